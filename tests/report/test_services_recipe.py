"""The ``services`` recipe type in a report bundle (toy project with people and services)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from workflows.helpers_services import project_options  # tests/ is on sys.path (pytest's prepend import mode)

from jokkgeo.errors import CatalogueError
from jokkgeo.report import RECIPE_TYPES, build_report
from jokkgeo.settings import Settings

RECIPE = {"title": "Tillgång till service", "title_en": "Access to services", "layers": ["roads"],
          "analyses": [{"type": "services", "seasons": ["summer"], "minutes": [15, 30],
                        "show_kind": "school", "kinds": ["school", "health_centre", "pharmacy"]}]}


@pytest.fixture(scope="module")
def project(project_factory) -> Path:
    return project_factory("svc_report", **project_options(), recipes={"services": RECIPE})


def test_services_is_a_recipe_type():
    assert "services" in RECIPE_TYPES


def test_bundle_has_map_tables_and_results(project, tmp_path):
    out = tmp_path / "bundle"
    manifest = build_report(out, settings=Settings(project_root=project), recipes_dir=project / "maps",
                            figures=False)
    load = pd.read_csv(out / "tables" / "services__service_load.csv")
    # Swedish headers; J school serves J, S and E (see helpers_services)
    row = load[load["Enhets-id"] == "j_school"].iloc[0]
    assert row["Invånare som har den närmast"] == 3126 and row["Typ av service"] == "grundskola"
    bands = pd.read_csv(out / "tables" / "services__service_bands.csv")
    assert {"Restid högst (min)", "Invånare inom tiden", "Varav 6–15 år"} <= set(bands.columns)
    assert (out / "tables" / "services__service_worst.csv").exists()
    layers = {name for name, _ in pyogrio.list_layers(out / "results.gpkg")}
    assert "services__service_residents" in layers and "services__service_load" in layers
    html = (out / "maps" / "services.html").read_text(encoding="utf-8")
    assert "Restid till närmaste grundskola (sommar)" in html
    assert "Grundskola: " in html  # services sized by load, one layer per size class
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Servicelagret saknar apotek" in index
    analysis = manifest["recipes"][0]["analyses"][0]
    assert analysis["type"] == "services" and analysis["parameters"]["missing_kinds"] == ["pharmacy"]


def test_bad_key_and_layer(project, tmp_path):
    from jokkgeo.config.recipes import AnalysisSpec
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.report.runners import RecipeContext, services_recipe
    from jokkgeo.study.store import LayerStore

    ctx = RecipeContext(Settings(project_root=project), LayerStore(read_catalogue(project / "layers", root=project)))
    with pytest.raises(CatalogueError, match="unknown key"):
        services_recipe(AnalysisSpec("services", {"kind": ["school"]}, "maps/x.yaml: key 'analyses[0]"), ctx)
    with pytest.raises(CatalogueError, match="no layer 'people'"):
        services_recipe(AnalysisSpec("services", {"population": ["people"]}, "maps/x.yaml: key 'analyses[0]"), ctx)


def test_no_services_layer_is_a_note(make_project):
    from jokkgeo.config.recipes import AnalysisSpec
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.report.runners import RecipeContext, services_recipe
    from jokkgeo.study.store import LayerStore

    bare = make_project("bare", only=["boundary", "settlements", "roads", "investment_sites", "population"])
    ctx = RecipeContext(Settings(project_root=bare), LayerStore(read_catalogue(bare / "layers", root=bare)))
    out = services_recipe(AnalysisSpec("services", {}, "maps/x.yaml: key 'analyses[0]"), ctx)
    assert not out.layers and "inget lager med temat 'services'" in out.notes[0]
