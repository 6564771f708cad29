"""The report bundle: files, manifest, results.gpkg, public mode, overwrite, reproducibility, CLI."""

import json
from pathlib import Path

import pyogrio
import pytest
from click.testing import CliRunner

from jokkgeo.cli.main import cli
from jokkgeo.errors import CatalogueError, OutputExistsError
from jokkgeo.report import RECIPE_TYPES, build_report
from jokkgeo.settings import Settings


@pytest.fixture(scope="module")
def project(project_factory):
    return project_factory("proj")


@pytest.fixture(scope="module")
def bundle(project):
    out = project / "out"
    manifest = build_report(out, settings=Settings(project_root=project))
    return out, manifest


def test_bundle_files(bundle):
    out, manifest = bundle
    for rel in ("index.html", "manifest.json", "results.gpkg", "maps/overview.html", "maps/kallak.html",
                "figures/overview.png", "figures/kallak.png", "figures/kallak.svg", "tables/kallak__conflicts.csv"):
        assert (out / rel).is_file(), rel
    index = (out / "index.html").read_text(encoding="utf-8")
    for rec in manifest["recipes"]:
        assert f'href="maps/{rec["id"]}.html"' in index
        for fig in rec["figures"]:
            assert f'href="{fig}"' in index
    assert "Kallak och rennäringen" in index and "Översikt" in index


def test_manifest_records_inputs_versions_caveats(bundle, project):
    out, manifest = bundle
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(manifest))
    inputs = {rec["layer"]: rec for rec in manifest["inputs"]}
    assert set(inputs) == {"boundary", "settlements", "roads", "investment_areas", "reindeer_calving_land"}
    import hashlib

    digest = hashlib.sha256((project / "data" / "toy.gpkg").read_bytes()).hexdigest()
    assert inputs["roads"]["sha256"] == digest and inputs["roads"]["path"] == "data/toy.gpkg"
    assert inputs["reindeer_calving_land"]["sensitivity"] == "restricted"
    assert inputs["roads"]["licence"] == "CC0 1.0"
    assert manifest["packages"]["folium"] and manifest["packages"]["jokkgeo"]
    assert any("samråd" in c for c in manifest["caveats"])
    assert manifest["created_utc"].endswith("+00:00")
    kallak = next(r for r in manifest["recipes"] if r["id"] == "kallak")
    assert kallak["analyses"][0]["type"] == "conflicts"
    assert kallak["analyses"][0]["recipe_parameters"]["sensitive"] == ["reindeer_calving_land"]


def test_results_gpkg_layers_named_typed_sweref(bundle):
    out, manifest = bundle
    layers = dict(pyogrio.list_layers(out / "results.gpkg"))
    assert set(layers) == set(manifest["results_gpkg_layers"]) == {"map_extents", "kallak__conflicts"}
    for name, gtype in layers.items():
        info = pyogrio.read_info(out / "results.gpkg", layer=name)
        assert info["crs"] == "EPSG:3006", name
        assert gtype in {"Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"}, name
        assert info["features"] > 0
    conf = pyogrio.read_dataframe(out / "results.gpkg", layer="kallak__conflicts")
    # the calving land (10 x 10 km) lies inside the mine's zones: the affected piece is within it, and
    # within the outermost zone buffer of the 2 x 2 km mine area
    assert 0 < conf.geometry.area.max() <= 10_000 * 10_000
    assert set(conf["severity"]) <= {"major", "moderate", "minor"}


def test_mixed_geometry_results_are_split(tmp_path):
    import geopandas as gpd
    from shapely.geometry import LineString, box

    from jokkgeo.report.bundle import _split_by_geometry

    gdf = gpd.GeoDataFrame({"a": [1, 2, 3]}, geometry=[box(0, 0, 1, 1), LineString([(0, 0), (1, 1)]),
                                                       box(2, 2, 3, 3)], crs="EPSG:3006")
    parts = _split_by_geometry("r__conflicts", gdf)
    assert {k: list(v["a"]) for k, v in parts.items()} == {"r__conflicts_lines": [2],
                                                           "r__conflicts_polygons": [1, 3]}
    assert list(_split_by_geometry("x", gdf.iloc[[0, 2]])) == ["x"]


def test_refuses_to_overwrite_and_reproduces(bundle, project):
    out, manifest = bundle
    with pytest.raises(OutputExistsError, match="--overwrite"):
        build_report(out, settings=Settings(project_root=project))
    again = build_report(out, settings=Settings(project_root=project, overwrite=True))
    assert again["outputs_sha256"] == manifest["outputs_sha256"]  # byte-identical outputs
    assert {k for k in again if again[k] != manifest[k]} <= {"created_utc"}


def test_public_bundle_leaves_out_restricted(project, tmp_path):
    manifest = build_report(tmp_path / "pub", settings=Settings(project_root=project), public=True, figures=False)
    assert [o["layer"] for o in manifest["omitted_restricted"]] == ["reindeer_calving_land"]
    assert all(rec["sensitivity"] == "public" for rec in manifest["inputs"])
    assert "reindeer_calving_land" not in (tmp_path / "pub" / "maps" / "overview.html").read_text(encoding="utf-8")
    assert manifest["results_gpkg_layers"] == ["map_extents"]  # the conflicts were derived from restricted data
    assert "Kalvningsland" not in (tmp_path / "pub" / "maps" / "kallak.html").read_text(encoding="utf-8")


def test_recipe_types_table_is_extensible(project, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    from jokkgeo.render.document import MapLayer
    from jokkgeo.render.styles import simple_style
    from jokkgeo.report import AnalysisOutput

    def _dummy(spec, ctx):
        gdf = gpd.GeoDataFrame({"n": [int(spec.get("n"))]}, geometry=[Point(760000, 7390000)], crs="EPSG:3006")
        return AnalysisOutput(layers=[MapLayer(id="dummy", title="Dummy", group="Analys", data=gdf,
                                               style=simple_style("point", title="Dummy", color="#000000"))],
                              results={"dummy": gdf})

    (project / "maps2").mkdir(exist_ok=True)
    (project / "maps2" / "d.yaml").write_text("title: D\nanalyses: [{type: dummy_points, n: 3}]\n",
                                              encoding="utf-8")
    with pytest.raises(CatalogueError, match="dummy_points' is not an analysis type"):
        build_report(tmp_path / "d0", settings=Settings(project_root=project), recipes_dir=project / "maps2",
                     figures=False)
    manifest = build_report(tmp_path / "d", settings=Settings(project_root=project), recipes_dir=project / "maps2",
                            figures=False, recipe_types={**RECIPE_TYPES, "dummy_points": _dummy})
    assert manifest["results_gpkg_layers"] == ["d__dummy", "map_extents"]
    assert "dummy_points" not in RECIPE_TYPES


def test_cli_report(project, tmp_path):
    runner = CliRunner()
    out = tmp_path / "cli"
    args = ["report", "--catalog", str(project / "layers"), "--recipes", str(project / "maps"), "--out", str(out),
            "--no-figures", "--lang", "en"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "2 maps" in result.output
    assert "Overview" in (out / "maps" / "overview.html").read_text(encoding="utf-8")
    again = runner.invoke(cli, args)
    assert again.exit_code == 2 and "--overwrite" in again.output
    bad = runner.invoke(cli, [*args[:-2], "--overwrite", "--recipes", str(tmp_path / "nope")])
    assert bad.exit_code == 2 and "nope" in bad.output


@pytest.mark.slow  # builds the whole default report with figures (~9 s)
def test_default_study_recipes(tmp_path):
    """The shipped recipes run on the embedded default data (no figures, to stay fast)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "maps").is_dir() or not (root / "layers").is_dir() or not (root / "data").is_dir():
        pytest.skip("default study not present")
    from jokkgeo.io.configs import read_recipe

    mine = ["overview", "commuting", "kallak_reindeer", "housing_screening", "reindeer_influence"]
    recipes = [read_recipe(root / "maps" / f"{name}.yaml") for name in mine]
    manifest = build_report(tmp_path / "rep", settings=Settings(project_root=root), recipes=recipes, figures=False)
    ids = {r["id"] for r in manifest["recipes"]}
    assert {"overview", "commuting", "kallak_reindeer", "housing_screening"} <= ids
    assert (tmp_path / "rep" / "maps" / "overview.html").stat().st_size < 5_000_000
    layers = set(manifest["results_gpkg_layers"])
    assert {"commuting__catchments_nearest", "kallak_reindeer__crossings", "housing_screening__screening"} <= layers
    for name, gtype in pyogrio.list_layers(tmp_path / "rep" / "results.gpkg"):
        assert pyogrio.read_info(tmp_path / "rep" / "results.gpkg", layer=name)["crs"] == "EPSG:3006"
        assert gtype != "Unknown", name
    overview = next(r for r in manifest["recipes"] if r["id"] == "overview")
    assert any("samråd" in c.lower() and "normalår" in c for c in overview["caveats"])  # reindeer caveat


def test_skipped_rules_are_in_the_bundle(project, tmp_path):
    """Issue 12: rules that had no layer to run on are named in the bundle (table + index note), not only on stderr."""
    (project / "maps3").mkdir(exist_ok=True)
    (project / "maps3" / "s.yaml").write_text(
        "title: S\nanalyses: [{type: conflicts, development: [investment_areas], "
        "sensitive: [reindeer_calving_land]}]\n",
        encoding="utf-8")
    out = tmp_path / "s"
    manifest = build_report(out, settings=Settings(project_root=project), recipes_dir=project / "maps3", figures=False)
    rec = manifest["recipes"][0]["analyses"][0]
    if "tables/s__skipped_rules.csv" not in rec["tables"]:
        pytest.skip("every rule of the packaged rules applies to this toy selection")
    skipped = (out / "tables" / "s__skipped_rules.csv").read_text(encoding="utf-8")
    assert skipped.startswith("rule_id,missing")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "kördes inte" in index
