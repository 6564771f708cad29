"""Issue 12, "Nothing lost, nothing let in": every bullet through at least one CLI entry point.

Each test runs ``jokkgeo ...`` in-process (``run_cli``) on the toy project (``make_project``)
and checks the exit code (2 = a clear user error, never the "Internal error" exit 1), the
message, and that nothing was lost or let in.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import TOY_RULES, toy_layers, write_yaml  # tests/conftest.py (rootdir on sys.path)

BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
    "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
)
"""Billion laughs: 358 bytes that expand to 9**9 strings."""

MAX_MESSAGE = 2_000
"""A refusal message must stay short (the bomb once printed 312 MB)."""


def _user_error(result, *words: str) -> str:
    """Assert a clear user error (exit 2) whose message holds ``words``; return the message."""
    message = (result.stderr if hasattr(result, "stderr") else "") or result.output
    assert result.exit_code == 2, (result.exit_code, message[:2000])
    assert "Internal error" not in message
    for word in words:
        assert word.lower() in message.lower(), (word, message[:2000])
    return message


# ------------------------------------------------------------------------------------------------------------------
# Faults found late: the output location is checked before any analysis runs


@pytest.fixture
def no_work(monkeypatch):
    """Make every analysis entry point fail loudly: a refused output must be refused before the work."""

    def boom(*_args, **_kwargs):
        raise AssertionError("the analysis ran before the output location was checked")

    import jokkgeo.cli.init
    import jokkgeo.report
    import jokkgeo.workflows.catchments
    import jokkgeo.workflows.comparison
    import jokkgeo.workflows.conflicts
    import jokkgeo.workflows.influence
    import jokkgeo.workflows.services

    monkeypatch.setattr(jokkgeo.workflows.catchments, "run_catchments", boom)
    monkeypatch.setattr(jokkgeo.workflows.conflicts, "run_conflicts", boom)
    monkeypatch.setattr(jokkgeo.workflows.influence, "run_influence", boom)
    monkeypatch.setattr(jokkgeo.workflows.services, "run_services", boom)
    monkeypatch.setattr(jokkgeo.workflows.comparison, "run_comparison", boom)
    monkeypatch.setattr(jokkgeo.report, "run_recipe", boom)
    monkeypatch.setattr(jokkgeo.cli.init, "_copy_study", boom)


def _command(name: str, project: Path, out: Path) -> list:
    layers, rules = project / "layers", project / "rules.yaml"
    return {
        "catchments": ["catchments", "--catalog", layers, "--out", out],
        "conflicts": ["conflicts", "--catalog", layers, "--rules", rules, "--out", out],
        "influence": ["influence", "--catalog", layers, "--rules", rules, "--out", out],
        "compare": ["compare", "--catalog", layers, "--scenario", "slow", "--no-figure", "--out", out],
        "report": ["report", "--catalog", layers, "--no-figures", "--out", out],
        "init": ["init", out],
        "services": ["services", "--catalog", layers, "--out", out],
    }[name]


COMMANDS = {"catchments": ".gpkg", "conflicts": ".gpkg", "influence": "", "compare": ".gpkg", "report": "",
            "init": "", "services": ".gpkg"}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_newline_in_output_name_refused_before_work(command, make_project, run_cli, no_work, tmp_path):
    project = make_project()
    out = tmp_path / f"bad\nname{COMMANDS[command]}"
    _user_error(run_cli(*_command(command, project, out)), "control character")
    assert not out.exists()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_300_character_output_name_refused_before_work(command, make_project, run_cli, no_work, tmp_path):
    project = make_project()
    out = tmp_path / ("x" * 300 + COMMANDS[command])
    _user_error(run_cli(*_command(command, project, out)), "255")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_read_only_output_folder_refused_before_work(command, make_project, run_cli, no_work, tmp_path, monkeypatch):
    project = make_project()
    folder = tmp_path / "readonly"
    folder.mkdir()
    out = folder / f"out{COMMANDS[command]}"
    if os.geteuid() == 0:  # root writes anywhere: simulate what a read-only folder does to a write
        def denied(*_a, **_k):
            raise PermissionError(errno.EACCES, "Permission denied")

        import jokkgeo.io.write

        monkeypatch.setattr(jokkgeo.io.write.tempfile, "mkstemp", denied)
    else:
        folder.chmod(0o555)
    try:
        _user_error(run_cli(*_command(command, project, out)), "permission denied")
    finally:
        folder.chmod(0o755)
    assert not out.exists()


def _existing_output(command: str, out: Path) -> None:
    if COMMANDS[command]:  # a real GeoPackage from an earlier run
        import geopandas as gpd
        from shapely.geometry import Point

        gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)], crs="EPSG:3006").to_file(out, layer="earlier")
    else:
        out.mkdir()
        (out / ("influence.json" if command == "influence" else "mine.txt")).write_text("{}", encoding="utf-8")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_existing_output_without_overwrite_refused_before_work(command, make_project, run_cli, no_work, tmp_path):
    project = make_project()
    out = tmp_path / f"out{COMMANDS[command]}"
    _existing_output(command, out)
    before = sorted(p.name for p in (out.iterdir() if out.is_dir() else [out]))
    _user_error(run_cli(*_command(command, project, out)), "overwrite")
    assert sorted(p.name for p in (out.iterdir() if out.is_dir() else [out])) == before


# ------------------------------------------------------------------------------------------------------------------
# Data loss: only ever replace what jokkgeo wrote


def test_report_overwrite_onto_the_projects_data_is_refused_and_nothing_deleted(make_project, run_cli):
    project = make_project()
    before = sorted(p.name for p in (project / "data").iterdir())
    result = run_cli("report", "--catalog", project / "layers", "--no-figures", "--out", project / "data",
                     "--overwrite")
    _user_error(result, "not written by jokkgeo")
    assert sorted(p.name for p in (project / "data").iterdir()) == before
    assert not [p for p in project.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_report_overwrites_its_own_bundle_and_cleans_stale_temp_folders(make_project, run_cli, tmp_path):
    project = make_project()
    out = tmp_path / "bundle"
    assert run_cli("report", "--catalog", project / "layers", "--no-figures", "--out", out).exit_code == 0
    assert (out / ".jokkgeo-bundle").is_file()
    # a run killed with kill -9 leaves its temporary folder (named with a process id that no longer exists)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".bundle.tmp-{int(dead.stdout)}-deadbeef"
    stale.mkdir()
    (stale / "big.bin").write_bytes(b"\0" * 1024)
    result = run_cli("report", "--catalog", project / "layers", "--no-figures", "--out", out, "--overwrite")
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert (out / ".jokkgeo-bundle").is_file() and (out / "index.html").is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert ".jokkgeo-bundle" not in manifest["outputs_sha256"]  # the marker holds a time: not a reproducible output


def test_overwrite_onto_a_file_that_is_not_a_geopackage_is_refused_and_kept(make_project, run_cli, tmp_path):
    project = make_project()
    out = tmp_path / "thesis.gpkg"
    out.write_text("my thesis, not a GeoPackage", encoding="utf-8")
    result = run_cli("conflicts", "--catalog", project / "layers", "--rules", project / "rules.yaml", "--out", out,
                     "--overwrite")
    _user_error(result, "not a GeoPackage")
    assert out.read_text(encoding="utf-8") == "my thesis, not a GeoPackage"


def test_overwrite_into_a_geopackage_keeps_its_other_layers(make_project, run_cli, tmp_path):
    import pyogrio

    project = make_project()
    out = tmp_path / "work.gpkg"
    _existing_output("catchments", out)
    result = run_cli("catchments", "--catalog", project / "layers", "--minutes", "30", "--out", out, "--overwrite")
    assert result.exit_code == 0, result.output
    names = {name for name, _ in pyogrio.list_layers(out)}
    assert "earlier" in names and "catchments" in names


# ------------------------------------------------------------------------------------------------------------------
# Metadata: a colleague receiving only the GeoPackage sees the caveats


def _contents(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as con:
        return dict(con.execute("SELECT table_name, description FROM gpkg_contents").fetchall())


def _metadata_rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as con:
        return [row[0] for row in con.execute("SELECT metadata FROM gpkg_metadata").fetchall()]


def test_report_results_gpkg_tables_and_rasters_carry_caveats_and_restricted_flag(make_project, run_cli, tmp_path):
    recipes = {
        "conf": {"title": "Konflikter", "layers": ["boundary"],
                 "analyses": [{"type": "conflicts", "development": ["power_lines"],
                               "sensitive": ["reindeer_calving_land", "reindeer_samebyar"], "rules": "rules.yaml"}]},
        "infl": {"title": "Påverkan", "layers": ["boundary"],
                 "analyses": [{"type": "influence", "layers": ["power_lines"], "resolution_m": 1000}]},
    }
    rules = yaml.safe_load(yaml.safe_dump(TOY_RULES))
    rules["rules"].append({"id": "power_calving", "development": {"theme": "power"},
                           "sensitive": {"layer": "reindeer_calving_land"}, "zones_m": [1000], "decay": "step",
                           "severity": "major", "reference": "toy"})
    project = make_project(recipes=recipes, rules=rules)
    out = tmp_path / "bundle"
    result = run_cli("report", "--catalog", project / "layers", "--no-figures", "--out", out)
    assert result.exit_code == 0, result.output
    contents = _contents(out / "results.gpkg")
    conflicts = [name for name in contents if name.startswith("conf__conflicts")]
    assert conflicts
    for name in conflicts:
        text = contents[name]
        # derived from the restricted calving land: said first; the sameby caveat and the citation travel along
        assert text.startswith("RESTRICTED / BEGRÄNSAD")
        assert "samråd med samebyn krävs" in text and "Toy reference" in text
    rows = _metadata_rows(out / "results.gpkg")
    assert any('<MDI key="restricted">true</MDI>' in row and "samråd med samebyn" in row for row in rows)
    sidecar = out / "tables" / "conf__conflicts.metadata.txt"
    assert sidecar.read_text(encoding="utf-8").startswith("RESTRICTED / BEGRÄNSAD")
    import rasterio

    tif = next((out / "rasters").glob("infl__*.tif"))
    with rasterio.open(tif) as src:
        tags = src.tags()
    assert tags["restricted"] == "false" and tags["written_by"] == "jokkgeo"
    assert "Kraftledningar" in tags["sources"] and tags["caveats"]


def test_cli_geopackages_carry_metadata(make_project, run_cli, tmp_path):
    project = make_project()
    out = tmp_path / "conflicts.gpkg"
    result = run_cli("conflicts", "--catalog", project / "layers", "--rules", project / "rules.yaml", "--out", out)
    assert result.exit_code == 0, result.output
    contents = _contents(out)
    assert all("Toy reference" in (text or "") for text in contents.values()), contents
    assert all("jokkgeo conflicts" in (text or "") for text in contents.values())
    out = tmp_path / "catch.gpkg"
    result = run_cli("catchments", "--catalog", project / "layers", "--minutes", "30", "--out", out)
    assert result.exit_code == 0, result.output
    assert "Caveat:" in _contents(out)["catchments"]
    out_dir = tmp_path / "influence"
    result = run_cli("influence", "--catalog", project / "layers", "--rules", project / "rules.yaml",
                     "--resolution-m", "1000", "--out", out_dir)
    assert result.exit_code == 0, result.output
    import rasterio

    with rasterio.open(next(out_dir.glob("*.tif"))) as src:
        assert "Toy reference" in src.tags()["sources"]


def test_compare_outputs_carry_metadata(make_project, run_cli, tmp_path):
    project = make_project()
    out = tmp_path / "cmp.gpkg"
    result = run_cli("compare", "--catalog", project / "layers", "--scenario", "no_power", "--no-figure", "--out", out)
    assert result.exit_code == 0, result.output
    contents = _contents(out)
    # the comparison uses the restricted calving land (conflicts): every layer says so
    assert contents and all(text.startswith("RESTRICTED / BEGRÄNSAD") for text in contents.values())
    assert (tmp_path / "cmp__conflict_changes.metadata.txt").is_file()


# ------------------------------------------------------------------------------------------------------------------
# Resource exhaustion and YAML typing surprises, in every kind of configuration file


def test_alias_bomb_in_a_layer_spec(make_project, run_cli):
    project = make_project()
    (project / "layers" / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    message = _user_error(run_cli("layers", "check", "--catalog", project / "layers"), "bomb.yaml")
    assert len(message) < MAX_MESSAGE


def test_alias_bomb_in_a_recipe(make_project, run_cli, tmp_path):
    project = make_project()
    (project / "maps" / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    message = _user_error(run_cli("report", "--catalog", project / "layers", "--no-figures", "--out",
                                  tmp_path / "b"), "bomb.yaml")
    assert len(message) < MAX_MESSAGE


def test_alias_bomb_in_a_scenario(make_project, run_cli):
    project = make_project()
    (project / "scenarios" / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    message = _user_error(run_cli("compare", "--catalog", project / "layers", "--scenario", "bomb"), "bomb.yaml")
    assert len(message) < MAX_MESSAGE


def test_alias_bomb_in_a_rule_file(make_project, run_cli, tmp_path):
    project = make_project()
    (project / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    message = _user_error(run_cli("conflicts", "--catalog", project / "layers", "--rules", project / "bomb.yaml",
                                  "--out", tmp_path / "c.gpkg"), "bomb.yaml")
    assert len(message) < MAX_MESSAGE


def test_duplicate_key_in_a_layer_spec(make_project, run_cli):
    project = make_project()
    spec = project / "layers" / "roads.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "title: Andra vägar\n", encoding="utf-8")
    _user_error(run_cli("layers", "check", "--catalog", project / "layers"), "roads.yaml", "title")


def test_duplicate_key_in_a_scenario(make_project, run_cli):
    project = make_project()
    (project / "scenarios" / "twice.yaml").write_text("title: A\ntitle: B\nremove_layers: [power_lines]\n",
                                                      encoding="utf-8")
    _user_error(run_cli("compare", "--catalog", project / "layers", "--scenario", "twice"), "twice.yaml", "title")


def test_duplicate_key_in_a_recipe(make_project, run_cli, tmp_path):
    project = make_project()
    (project / "maps" / "twice.yaml").write_text("title: A\ntitle: B\nlayers: [roads]\n", encoding="utf-8")
    _user_error(run_cli("report", "--catalog", project / "layers", "--no-figures", "--out", tmp_path / "b"),
                "twice.yaml", "title")


def test_duplicate_key_in_a_rule_file(make_project, run_cli, tmp_path):
    project = make_project()
    rules = project / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + "version: 1\n", encoding="utf-8")
    _user_error(run_cli("conflicts", "--catalog", project / "layers", "--rules", rules, "--out", tmp_path / "c.gpkg"),
                "rules.yaml", "version")


def test_codes_stay_strings_yaml_1_1_octal_and_no(make_project, run_cli, tmp_path):
    # YAML 1.1 reads 0114 as 76 and NO as False: titles and codes must stay the text written
    project = make_project()
    spec = project / "layers" / "power_lines.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("title: Kraftledningar", "title: NO"), encoding="utf-8")
    result = run_cli("layers", "list", "--catalog", project / "layers")
    assert result.exit_code == 0, result.output
    assert "NO" in result.output and "False" not in result.output
    (project / "scenarios" / "codes.yaml").write_text(
        "title: 0114\nfilter_layers:\n  boundary:\n    where:\n      code: [0114, NO, 2510]\n", encoding="utf-8")
    result = run_cli("compare", "--catalog", project / "layers", "--scenario", "codes", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "0114" in result.output and " 76 " not in result.output


@pytest.mark.parametrize("args, words", [
    (["--buffer-m", "1e308"], ["--buffer-m"]),
    (["--max-snap-m", "0"], ["--max-snap-m"]),
    (["--cell-m", "1"], ["--cell-m"]),
    (["--access-speed", "0"], ["--access-speed"]),
])
def test_extreme_catchment_options_are_refused_up_front(make_project, run_cli, no_work, tmp_path, args, words):
    project = make_project()
    _user_error(run_cli("catchments", "--catalog", project / "layers", "--out", tmp_path / "c.gpkg", *args), *words)


def test_extreme_influence_resolution_is_refused_up_front(make_project, run_cli, no_work, tmp_path):
    project = make_project()
    _user_error(run_cli("influence", "--catalog", project / "layers", "--resolution-m", "0.001", "--out",
                        tmp_path / "i"), "--resolution-m")


def test_huge_declared_raster_is_refused_before_allocation(run_cli, tmp_path):
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path / "huge.tif"
    profile = {"driver": "GTiff", "width": 100_000, "height": 100_000, "count": 1, "dtype": "float32",
               "crs": "EPSG:3006", "transform": from_origin(700_000, 7_400_000, 1, 1), "tiled": True,
               "sparse_ok": True, "compress": "deflate"}
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.zeros((1, 256, 256), dtype="float32"), window=((0, 256), (0, 256)))
    _user_error(run_cli("inspect", path), "huge.tif")


# ------------------------------------------------------------------------------------------------------------------
# File disclosure and requests: what a file really is, not its suffix


VRT = """<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd</SrcDataSource>
<GeometryType>wkbNone</GeometryType></OGRVRTLayer></OGRVRTDataSource>"""


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".json"])
def test_vrt_disguised_as_a_layer_is_refused_by_layers_check_and_report(make_project, run_cli, tmp_path, suffix):
    project = make_project()
    (project / "data" / f"evil{suffix}").write_text(VRT, encoding="utf-8")
    write_yaml(project / "layers" / "evil.yaml", {
        "id": "evil", "title": "Evil", "theme": "settlements", "geometry_type": "Point",
        "source": {"path": f"data/evil{suffix}"}, "provenance": "t", "licence": "CC0", "attribution": "t",
        "accuracy_m": 1})
    _user_error(run_cli("layers", "check", "--catalog", project / "layers"), "evil")
    write_yaml(project / "maps" / "evil.yaml", {"title": "Evil", "layers": ["evil"]})
    out = tmp_path / "bundle"
    result = run_cli("report", "--catalog", project / "layers", "--no-figures", "--out", out)
    _user_error(result, "evil")
    assert "root:" not in result.output and not out.exists()


def test_url_as_layer_source_is_refused(make_project, run_cli):
    project = make_project()
    write_yaml(project / "layers" / "remote.yaml", {
        "id": "remote", "title": "Remote", "theme": "settlements", "geometry_type": "Point",
        "source": {"path": "https://example.invalid/x.geojson"}, "provenance": "t", "licence": "CC0",
        "attribution": "t", "accuracy_m": 1})
    _user_error(run_cli("layers", "list", "--catalog", project / "layers"), "remote")


def test_vrt_disguised_as_geojson_is_refused_by_inspect(run_cli, tmp_path):
    path = tmp_path / "roads.geojson"
    path.write_text(VRT, encoding="utf-8")
    result = run_cli("inspect", path)
    _user_error(result, "roads.geojson")
    assert "root:" not in result.output


# ------------------------------------------------------------------------------------------------------------------
# Silent wrong results


def test_conflicts_without_reindeer_layers_say_which_rules_were_skipped(make_project, run_cli, tmp_path):
    import pyogrio

    project = make_project(only=["boundary", "roads", "power_lines", "investment_sites", "settlements"])
    out = tmp_path / "c.gpkg"
    result = run_cli("conflicts", "--catalog", project / "layers", "--rules", project / "rules.yaml", "--out", out,
                     "--lang", "en")
    assert result.exit_code in (0, 2), result.output
    assert "power_reindeer" in result.output  # said, not silently "0 conflicts"
    if result.exit_code == 0:
        assert "skipped_rules" in {name for name, _ in pyogrio.list_layers(out)}


def test_report_bundle_records_skipped_rules_and_unreachable_places(make_project, run_cli, tmp_path):
    recipes = {"conf": {"title": "K", "layers": ["boundary"], "analyses": [
        {"type": "conflicts", "development": ["power_lines"], "sensitive": ["settlements"], "rules": "rules.yaml"}]}}
    project = make_project(recipes=recipes)
    out = tmp_path / "bundle"
    result = run_cli("report", "--catalog", project / "layers", "--no-figures", "--out", out)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    notes = [n for r in manifest["recipes"] for a in r["analyses"] for n in a["notes"]]
    assert notes  # nothing to run on: said in the bundle (index notes and manifest), not only on stderr
    assert (out / "index.html").read_text(encoding="utf-8").count(notes[0].split(":")[0]) >= 1


def test_truncated_shapefile_is_not_reported_ok(run_cli, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    path = tmp_path / "pts.shp"
    gpd.GeoDataFrame({"a": list(range(50))}, geometry=[Point(740_000 + i, 7_370_000) for i in range(50)],
                     crs="EPSG:3006").to_file(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _user_error(run_cli("inspect", path), "pts.shp")


def test_south_up_raster_has_ordered_bounds(run_cli, tmp_path):
    import numpy as np
    import rasterio
    from affine import Affine

    path = tmp_path / "south_up.tif"
    with rasterio.open(path, "w", driver="GTiff", width=4, height=3, count=1, dtype="float32", crs="EPSG:3006",
                       transform=Affine(100, 0, 740_000, 0, 100, 7_370_000)) as dst:
        dst.write(np.arange(12, dtype="float32").reshape(1, 3, 4))
    result = run_cli("inspect", path)
    assert result.exit_code == 0, result.output
    # west < east, south < north (the rows run southwards from y = 7 370 000 upwards here)
    assert "bounds:     740000.0 7370000.0 740400.0 7370300.0" in result.output
    assert "flipped to north-up" in result.output


# ------------------------------------------------------------------------------------------------------------------
# Text that changes meaning


def test_formula_values_are_neutralised_in_the_bundle_tables(make_project, run_cli, tmp_path):
    fields, frame = toy_layers()["housing_land"]
    frame = frame.copy()
    frame["name"] = ['=HYPERLINK("http://evil.invalid","klick")']
    recipes = {"scr": {"title": "Screening", "layers": ["boundary"], "analyses": [
        {"type": "screening", "candidates": "housing_land", "sensitive": ["reindeer_samebyar"]}]}}
    project = make_project(layers={"housing_land": (fields, frame)}, recipes=recipes)
    out = tmp_path / "bundle"
    result = run_cli("report", "--catalog", project / "layers", "--no-figures", "--out", out)
    assert result.exit_code == 0, result.output
    table = (out / "tables" / "scr__screening.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in table and ',=HYPERLINK' not in table


def test_dollar_signs_in_names_do_not_abort_the_figures(make_project, run_cli, tmp_path):
    fields, frame = toy_layers()["settlements"]
    frame = frame.copy()
    frame["name"] = ["Kalle's $ $ bod", "Pris $5 och $10", "a", "b"]
    recipes = {"ort": {"title": "Pris $5 och $10", "layers": ["settlements"], "caveats": ["Kostar $5 och $10"],
                       "figure": {"formats": ["png"], "dpi": 50}}}
    project = make_project(layers={"settlements": ({**fields, "style": {**fields["style"], "label_field": "name"}},
                                                   frame)}, recipes=recipes)
    result = run_cli("report", "--catalog", project / "layers", "--out", tmp_path / "bundle")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bundle" / "figures" / "ort.png").is_file()


# ------------------------------------------------------------------------------------------------------------------
# Malformed geometries


def _csv_layer(project: Path, text: str) -> None:
    (project / "data" / "pts.csv").write_text(text, encoding="utf-8")
    write_yaml(project / "layers" / "pts.yaml", {
        "id": "pts", "title": "Punkter", "theme": "settlements", "geometry_type": "Point",
        "source": {"path": "data/pts.csv", "x": "x", "y": "y", "crs": "EPSG:3006"}, "provenance": "t",
        "licence": "CC0", "attribution": "t", "accuracy_m": 1})


def test_nan_and_infinity_coordinates_in_csv_are_dropped_and_counted(make_project, run_cli):
    project = make_project()
    _csv_layer(project, "name,x,y\na,740000,7370000\nb,NaN,7370000\nc,740000,Infinity\n")
    result = run_cli("layers", "check", "--catalog", project / "layers")
    assert result.exit_code == 0, result.output
    line = [ln for ln in result.output.splitlines() if ln.startswith("pts ")]
    assert line and "2 NaN/infinite coordinates dropped" in line[0] and " 1 " in line[0]


def test_unclosed_ring_and_short_line_in_geojson(make_project, run_cli):
    project = make_project()
    feats = [
        {"type": "Feature", "properties": {"name": "open"}, "geometry": {"type": "Polygon", "coordinates": [[
            [740000, 7370000], [741000, 7370000], [741000, 7371000], [740000, 7371000]]]}},
        {"type": "Feature", "properties": {"name": "ok"}, "geometry": {"type": "Polygon", "coordinates": [[
            [742000, 7370000], [743000, 7370000], [743000, 7371000], [742000, 7370000]]]}},
    ]
    (project / "data" / "poly.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats}),
                                                    encoding="utf-8")
    write_yaml(project / "layers" / "poly.yaml", {
        "id": "poly", "title": "Ytor", "theme": "housing_land", "geometry_type": "Polygon",
        "source": {"path": "data/poly.geojson"}, "provenance": "t", "licence": "CC0", "attribution": "t",
        "accuracy_m": 1, "crs": "EPSG:3006"})
    result = run_cli("layers", "check", "--catalog", project / "layers")
    assert result.exit_code in (0, 2), result.output
    assert "Internal error" not in result.output and "poly" in result.output


def test_zipped_shapefile_without_dbf_is_an_error(run_cli, tmp_path):
    import zipfile

    import geopandas as gpd
    from shapely.geometry import Point

    shp = tmp_path / "pts.shp"
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(740_000, 7_370_000)], crs="EPSG:3006").to_file(shp)
    archive = tmp_path / "pts.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for ext in (".shp", ".shx", ".prj"):
            zf.write(shp.with_suffix(ext), f"pts{ext}")
    _user_error(run_cli("inspect", archive), ".dbf")


def test_file_name_with_semicolon_is_read(make_project, run_cli):
    import geopandas as gpd
    from shapely.geometry import Point

    project = make_project()
    plain = project / "data" / "plain.gpkg"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point(740_000, 7_370_000)], crs="EPSG:3006").to_file(plain)
    plain.rename(project / "data" / "a;b.gpkg")
    write_yaml(project / "layers" / "semi.yaml", {
        "id": "semi", "title": "Semikolon", "theme": "settlements", "geometry_type": "Point",
        "source": {"path": "data/a;b.gpkg"}, "provenance": "t", "licence": "CC0", "attribution": "t",
        "accuracy_m": 1})
    result = run_cli("layers", "check", "--catalog", project / "layers")
    line = [ln for ln in result.output.splitlines() if "semi" in ln]
    assert line and "error" not in line[0].lower(), result.output


def test_os_error_while_writing_is_a_clear_message(make_project, run_cli, tmp_path, monkeypatch):
    # a full disk during the write (after the analysis): exit 2 naming the output and the cause
    import jokkgeo.io.write

    project = make_project()
    real = jokkgeo.io.write.os.replace

    def full(src, dst):
        if str(dst).endswith(".gpkg"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(jokkgeo.io.write.os, "replace", full)
    out = tmp_path / "c.gpkg"
    _user_error(run_cli("conflicts", "--catalog", project / "layers", "--rules", project / "rules.yaml", "--out", out),
                "c.gpkg", "disk")
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".jokkgeo-tmp-")]


def test_report_bundle_records_empty_catchment_bands(make_project, run_cli, tmp_path):
    # a band nobody reaches (0.01 min): said in the bundle (table and manifest), not only on stderr
    recipes = {"c": {"title": "Restid", "layers": ["boundary"], "analyses": [
        {"type": "catchments", "sites": "investment_sites", "roads": "roads", "minutes": [0.01, 60]}]}}
    project = make_project(recipes=recipes)
    out = tmp_path / "bundle"
    result = run_cli("report", "--catalog", project / "layers", "--no-figures", "--out", out)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    tables = [t for r in manifest["recipes"] for a in r["analyses"] for t in a["tables"]]
    assert "tables/c__unreachable_bands.csv" in tables
    assert "0.01" in (out / "tables" / "c__unreachable_bands.csv").read_text(encoding="utf-8")


OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
 <node id="1" lat="66.60" lon="19.80"/><node id="2" lat="66.61" lon="19.81"/>
 <node id="3" lat="66.62" lon="19.82"/><node id="4" lat="66.63" lon="19.83"/>
 <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/></way>
 <way id="11"><nd ref="3"/><nd ref="4"/><tag k="waterway" v="river"/></way>
 <way id="12"><nd ref="2"/><nd ref="3"/><tag k="power" v="line"/></way>
</osm>
"""


def test_osm_ways_without_highway_are_not_roads(run_cli, tmp_path):
    path = tmp_path / "area.osm"
    path.write_text(OSM, encoding="utf-8")
    result = run_cli("inspect", path, "--layer", "roads")
    assert result.exit_code == 0, result.output
    rows = [ln for ln in result.output.splitlines() if "feature" in ln.lower()]
    assert rows and any(" 1" in ln for ln in rows) and not any(" 3" in ln for ln in rows), result.output
