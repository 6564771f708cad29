"""Written summary and difference map of a comparison (toy study of tests/analysis/helpers_scenarios.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from jokkgeo.analysis.comparison import StudyRunner
from jokkgeo.catalogue import Catalogue
from jokkgeo.render.compare import comparison_document, summary_text
from jokkgeo.render.web import render_html, web_map
from jokkgeo.scenarios import ScenarioSet, prepare_studies

_spec = importlib.util.spec_from_file_location(
    "helpers_scenarios", Path(__file__).resolve().parents[1] / "analysis" / "helpers_scenarios.py")
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)

NASTY = "<img src=x onerror=alert(1)> {{ 7*7 }}"


@pytest.fixture(scope="module")
def comparisons(tmp_path_factory):
    root = helpers.build_toy_project(tmp_path_factory.mktemp("toy_render"))
    (root / "scenarios" / "nasty.yaml").write_text(yaml.safe_dump({
        "title": NASTY, "add_layers": [{"spec": "scenarios/layers/shortcut_layer.yaml", "append_to": "roads"}]}),
        encoding="utf-8")
    spec = yaml.safe_load((root / "scenarios" / "shortcut.yaml").read_text(encoding="utf-8"))["add_layers"][0]
    spec.pop("append_to")
    spec["title"] = NASTY
    (root / "scenarios" / "layers").mkdir()
    (root / "scenarios" / "layers" / "shortcut_layer.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    cat = Catalogue.from_dir(root / "layers")
    scenarios = ScenarioSet.from_dir(root / "scenarios", catalogue=cat)
    runner = StudyRunner(root=root, rules_path=root / "rules.yaml")
    out = {}
    for name in ("slow", "nasty", "no_power"):
        base, scen = prepare_studies(cat, scenarios, scenario=name)
        out[name] = runner.compare(base, scen)
    return out


def test_summary_has_the_numbers_in_swedish_and_english(comparisons):
    comp = comparisons["slow"]
    sv = summary_text(comp)
    en = summary_text(comp, language="en")
    # village v: 12 km at 60 km/h = 12 min; with the middle 6 km at 30 km/h: 3 + 12 + 3 = 18 min
    assert "v når inte längre Site inom 15 min (12 → 18 min)" in sv
    assert "v no longer reaches Site within 15 min (12 → 18 min)" in en
    assert sv.startswith("Scenariojämförelse: Långsamt jämfört med Nuläge (basscenario)")
    # the 15-min area shrinks: a signed decimal-comma number in Swedish, a point in English
    area_sv = [ln for ln in sv.splitlines() if ln.startswith("- Site, ≤ 15 min")][0]
    assert "yta −" in area_sv and "," in area_sv.split("yta −")[1].split(" ")[0]
    assert "area −" in [ln for ln in en.splitlines() if ln.startswith("- Site, ≤ 15 min")][0]
    assert "samråd" in sv and "samråd" in en


def test_summary_of_removed_layer(comparisons):
    en = summary_text(comparisons["no_power"], language="en")
    assert "0 new (0), 1 removed, 0 changed" in en
    assert "removed: p – Toy sameby (reindeer_samebyar) (rule power_reindeer, major)" in en
    assert "0 new and 1 removed crossings." in en


def test_difference_map_groups_flags_and_escaping(comparisons):
    comp = comparisons["nasty"]
    doc = comparison_document(comp)
    groups = {lay.group for lay in doc.layers}
    assert groups <= {"Nuläge", "Scenario", "Skillnader"} and "Skillnader" in groups
    added = [lay for lay in doc.layers if lay.group == "Scenario" and lay.title == NASTY]
    assert added and added[0].illustrative
    html = render_html(web_map(doc))
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{ 7*7 }}" in html and ">49<" not in html  # kept literally, never evaluated as a template
    en = comparison_document(comp, language="en")
    assert {lay.group for lay in en.layers} <= {"Baseline", "Scenario", "Differences"}
