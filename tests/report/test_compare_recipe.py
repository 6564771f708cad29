"""The ``compare`` recipe type: scenario comparisons inside the report bundle (toy study)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import yaml

from jokkgeo.errors import CatalogueError
from jokkgeo.report import RECIPE_TYPES, build_report
from jokkgeo.settings import Settings


@pytest.fixture(scope="module")
def project(scenario_study) -> Path:
    return scenario_study("toy_report", recipes={"compare_no_power": {
        "title": "Utan kraftledning", "layers": ["roads"],
        "analyses": [{"type": "compare", "scenario": "no_power"}],
    }})


def test_compare_is_a_recipe_type():
    assert "compare" in RECIPE_TYPES


def test_report_bundle_includes_the_comparison(project, tmp_path):
    out = tmp_path / "bundle"
    manifest = build_report(out, settings=Settings(project_root=project), recipes_dir=project / "maps",
                            figures=False)
    tables = out / "tables"
    crossings = pd.read_csv(tables / "compare_no_power__crossing_changes.csv")
    assert crossings[["route_id", "infra_layer", "status"]].values.tolist() == [["r1", "power_lines", "removed"]]
    layers = {name for name, _ in pyogrio.list_layers(out / "results.gpkg")}
    assert any(name.startswith("compare_no_power__conflict_changes") for name in layers)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Scenariojämförelse: Utan kraftledning jämfört med Nuläge" in index
    html = (out / "maps" / "compare_no_power.html").read_text(encoding="utf-8")
    assert "Skillnader" in html
    rec = manifest["recipes"][0]["analyses"][0]
    assert rec["type"] == "compare" and rec["parameters"]["scenario"] == "no_power"
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["recipes"][0]["id"] == "compare_no_power"


def test_public_bundle_leaves_out_restricted_layers(project, tmp_path):
    # mark the sameby layer restricted: the public comparison must not use it
    spec_file = project / "layers" / "reindeer_samebyar.yaml"
    original = spec_file.read_text(encoding="utf-8")
    try:
        spec_file.write_text(original + "sensitivity: restricted\n", encoding="utf-8")
        out = tmp_path / "public"
        build_report(out, settings=Settings(project_root=project), recipes_dir=project / "maps", figures=False,
                     public=True)
        conflicts = pd.read_csv(out / "tables" / "compare_no_power__conflict_changes.csv")
        assert "reindeer_samebyar" not in set(conflicts.get("sens_layer", pd.Series(dtype=str)))
        assert "reindeer_samebyar" not in (out / "tables" / "compare_no_power__sameby_changes.csv").read_text()
    finally:
        spec_file.write_text(original, encoding="utf-8")


def test_unknown_scenario_names_recipe_key(project, tmp_path):
    bad = tmp_path / "maps"
    bad.mkdir()
    (bad / "bad.yaml").write_text(yaml.safe_dump({
        "title": "x", "layers": ["roads"], "analyses": [{"type": "compare", "scenario": "nope"}]}), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"bad.yaml: key 'analyses\[0\]\.scenario': no scenario named 'nope'"):
        build_report(tmp_path / "o", settings=Settings(project_root=project), recipes_dir=bad, figures=False)


def test_scenario_written_inside_the_recipe(project, tmp_path):
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "inline.yaml").write_text(yaml.safe_dump({
        "title": "Inline", "layers": ["roads"],
        "analyses": [{"type": "compare", "scenario": {"title": "Utan kraftledning (i receptet)",
                                                      "remove_layers": ["power_lines"]}}]}, allow_unicode=True),
        encoding="utf-8")
    out = tmp_path / "bundle"
    build_report(out, settings=Settings(project_root=project), recipes_dir=maps, figures=False)
    crossings = pd.read_csv(out / "tables" / "inline__crossing_changes.csv")
    assert crossings["status"].tolist() == ["removed"]
    (maps / "inline.yaml").write_text(yaml.safe_dump({
        "title": "Inline", "layers": ["roads"],
        "analyses": [{"type": "compare", "scenario": {"title": "x", "remove_layers": ["powerlines"]}}]}),
        encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"inline.yaml: key 'analyses\[0\]': key 'remove_layers\[0\]': no layer"):
        build_report(tmp_path / "o2", settings=Settings(project_root=project), recipes_dir=maps, figures=False)
