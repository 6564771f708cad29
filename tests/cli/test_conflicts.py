"""``jokkgeo conflicts`` and ``jokkgeo influence`` on a tiny project built in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import rasterio
import yaml
from click.testing import CliRunner
from shapely.geometry import LineString, box

from jokkgeo.cli.main import cli

CRS = "EPSG:3006"
X0, Y0 = 700_000, 7_400_000


def _spec(layer_id, theme, gtype, **extra):
    return {"id": layer_id, "title": layer_id, "theme": theme, "source": {"path": "data/study.gpkg", "layer": layer_id},
            "geometry_type": gtype, "provenance": "test", "licence": "CC0", "attribution": "test", "accuracy_m": 10,
            **extra}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "layers").mkdir()
    gpkg = tmp_path / "data" / "study.gpkg"
    frames = {
        "boundary": gpd.GeoDataFrame({"code": ["2510"], "is_study_area": [True]},
                                     geometry=[box(X0, Y0, X0 + 20_000, Y0 + 20_000)], crs=CRS),
        "investment_areas": gpd.GeoDataFrame(
            {"site_id": ["kallak"], "name": ["Kallak/Gállok"], "type": ["mine"]},
            geometry=[box(X0 + 9000, Y0 + 9000, X0 + 11_000, Y0 + 11_000)], crs=CRS),
        "roads": gpd.GeoDataFrame({"ref": ["E 45"], "name": ["Inlandsvägen"], "highway": ["trunk"]},
                                  geometry=[LineString([(X0 + 5000, Y0), (X0 + 5000, Y0 + 20_000)])], crs=CRS),
        "reindeer_samebyar": gpd.GeoDataFrame({"sameby": ["Jåhkågasska tjiellde"]},
                                              geometry=[box(X0, Y0, X0 + 20_000, Y0 + 20_000)], crs=CRS),
        "reindeer_migration_routes": gpd.GeoDataFrame(
            {"route_id": ["jahkagasska_1"], "sameby": ["Jåhkågasska tjiellde"]},
            geometry=[LineString([(X0, Y0 + 10_000), (X0 + 20_000, Y0 + 10_000)])], crs=CRS),
        "housing_land": gpd.GeoDataFrame({"area_id": ["h1"], "name": ["Norra"]},
                                         geometry=[box(X0 + 1000, Y0 + 1000, X0 + 1500, Y0 + 1500)], crs=CRS),
    }
    for name, frame in frames.items():
        frame.to_file(gpkg, layer=name, driver="GPKG")
    restricted = {"sensitivity": "restricted", "illustrative": True, "caveat": "Schematisk – samråd krävs."}
    specs = [
        _spec("boundary", "boundary", "Polygon"),
        _spec("investment_areas", "investment_sites", "Polygon", illustrative=True),
        _spec("roads", "roads", "LineString"),
        _spec("reindeer_samebyar", "reindeer_herding", "Polygon", **restricted),
        _spec("reindeer_migration_routes", "reindeer_herding", "LineString", **restricted),
        _spec("housing_land", "housing_land", "Polygon"),
    ]
    for s in specs:
        (tmp_path / "layers" / f"{s['id']}.yaml").write_text(yaml.safe_dump(s, allow_unicode=True), encoding="utf-8")
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_conflicts_cli_writes_layers_and_prints_citations(project, tmp_path):
    out = tmp_path / "out" / "conflicts.gpkg"
    res = run("conflicts", "--catalog", str(project / "layers"), "--out", str(out))
    assert res.exit_code == 0, res.output
    layers = set(pyogrio.list_layers(out)[:, 0])
    # one geometry type per GeoPackage layer: conflicts are split into _polygons and _lines (issue 12)
    assert {"conflicts_polygons", "conflicts_lines", "conflict_zones", "summary_sameby", "summary_investment_site",
            "crossings", "crossing_counts", "housing_screening", "citations", "caveats"} <= layers
    c = gpd.read_file(out, layer="conflicts_polygons")
    kallak = c[(c["dev_id"] == "kallak") & (c["sens_layer"] == "reindeer_samebyar")].iloc[0]
    assert kallak["overlap_area_m2"] == pytest.approx(4e6) and kallak["rule_id"] == "mine_reindeer"
    counts = gpd.read_file(out, layer="crossing_counts")
    assert counts.loc[0, "n_crossings"] == 1 and counts.loc[0, "crossed_by"] == "E 45 Inlandsvägen"
    # results in the chosen language (Swedish by default), like the caveats
    assert "Vistnes" in res.output and "samråd" in res.output and "Korsningar av flyttleder" in res.output
    assert "Crossings" not in res.output and "Caveats" not in res.output
    # no silent overwrite; --overwrite replaces
    again = run("conflicts", "--catalog", str(project / "layers"), "--out", str(out))
    assert again.exit_code == 2 and "--overwrite" in again.output
    assert run("conflicts", "--catalog", str(project / "layers"), "--out", str(out), "--overwrite").exit_code == 0


def test_conflicts_cli_dask_engine_matches_local(project, tmp_path):
    a, b = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    assert run("conflicts", "--catalog", str(project / "layers"), "--out", str(a)).exit_code == 0
    res = run("conflicts", "--catalog", str(project / "layers"), "--out", str(b), "--engine", "dask")
    assert res.exit_code == 0, res.output
    ta = gpd.read_file(a, layer="conflicts_polygons").drop(columns="geometry")
    tb = gpd.read_file(b, layer="conflicts_polygons").drop(columns="geometry")
    assert ta.equals(tb)


def test_conflicts_cli_jobs_threads_give_the_same_output(project, tmp_path):
    a, b = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    one = run("conflicts", "--catalog", str(project / "layers"), "--out", str(a), "--jobs", "1")
    two = run("conflicts", "--catalog", str(project / "layers"), "--out", str(b), "--jobs", "2")
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert "(local, 1 tråd)" in one.output and "(local, 2 trådar)" in two.output
    for layer in ("conflicts_polygons", "conflicts_lines", "conflict_zones", "housing_screening"):
        ga, gb = gpd.read_file(a, layer=layer), gpd.read_file(b, layer=layer)
        assert len(ga) > 0 and ga.equals(gb), layer
    bad = CliRunner().invoke(cli, ["conflicts", "--catalog", str(project / "layers"), "--out", str(tmp_path / "c.gpkg"),
                                   "--jobs", "0"])
    assert bad.exit_code == 2 and "--jobs" in bad.output
    dask = CliRunner().invoke(cli, ["conflicts", "--catalog", str(project / "layers"), "--out",
                                    str(tmp_path / "d.gpkg"), "--engine", "dask", "--jobs", "2"])
    assert dask.exit_code == 2 and "--workers" in dask.output and not (tmp_path / "d.gpkg").exists()


def test_invalid_rules_exit_2_naming_file_and_key(project, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"references": {"r": "x"}, "rules": [
        {"id": "a", "development": {"layer": "roads"}, "sensitive": {"layer": "housing_land"}, "zones_m": [10],
         "decay": "sigmoid", "severity": "major", "reference": "r"}]}), encoding="utf-8")
    res = CliRunner().invoke(cli, ["conflicts", "--rules", str(rules), "--catalog", str(project / "layers"),
                                   "--out", str(tmp_path / "x.gpkg")])
    assert res.exit_code == 2
    assert str(rules) in res.output and "rules[0] (a).decay" in res.output and "Traceback" not in res.output


def test_influence_cli_writes_tiled_compressed_geotiffs(project, tmp_path):
    out = tmp_path / "influence"
    res = run("influence", "--catalog", str(project / "layers"), "--resolution-m", "500", "--out", str(out))
    assert res.exit_code == 0, res.output
    with rasterio.open(out / "combined_nearest.tif") as src:
        assert src.crs.to_epsg() == 3006 and src.nodata == -9999 and src.res == (500.0, 500.0)
        assert src.profile["tiled"] and src.profile["compress"] == "deflate"
        arr = src.read(1)
        assert arr.shape == (40, 40) and arr.max() == 1
    meta = json.loads((out / "influence.json").read_text(encoding="utf-8"))
    assert "nellemann2001" in meta["citations"] and any("samråd" in c for c in meta["caveats"])
    assert (out / "sameby_shares.csv").exists() and "Jåhkågasska tjiellde" in res.output
    again = CliRunner().invoke(cli, ["influence", "--catalog", str(project / "layers"), "--out", str(out)])
    assert again.exit_code == 2 and "--overwrite" in again.output


def test_influence_without_boundary_or_sameby_layer(project, tmp_path):
    """A catalogue without 'boundary' and 'reindeer_samebyar' works: the grid covers all layers, and it says so."""
    for lid in ("boundary", "reindeer_samebyar"):
        spec = project / "layers" / f"{lid}.yaml"
        if spec.exists():
            spec.unlink()
    out = tmp_path / "influence_nb"
    res = run("influence", "--catalog", str(project / "layers"), "--resolution-m", "500", "--out", str(out),
              "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "no 'boundary' layer" in res.output and "no 'reindeer_samebyar' layer" in res.output
    assert (out / "combined_nearest.tif").exists() and not (out / "sameby_shares.csv").exists()
