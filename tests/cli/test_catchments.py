"""``jokkgeo catchments`` on a tiny project built in tmp_path, and on the default Jokkmokk study."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import yaml
from click.testing import CliRunner
from shapely.geometry import LineString, Point, box

from jokkgeo.cli.main import cli

CRS = "EPSG:3006"
X0, Y0 = 700_000, 7_400_000
REPO = Path(__file__).resolve().parents[2]


def _spec(layer_id, theme, gtype, **extra):
    return {"id": layer_id, "title": layer_id, "theme": theme, "source": {"path": "data/study.gpkg", "layer": layer_id},
            "geometry_type": gtype, "provenance": "test", "licence": "CC0", "attribution": "test", "accuracy_m": 10,
            **extra}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "layers").mkdir()
    gpkg = tmp_path / "data" / "study.gpkg"
    # a 20 km road at 60 km/h (1 km/min) with a side road; a village 12 km along it
    frames = {
        "roads": gpd.GeoDataFrame(
            {"highway": ["primary", "tertiary"], "maxspeed": ["60", "60"], "oneway": ["no", "no"]},
            geometry=[LineString([(X0, Y0), (X0 + 5000, Y0), (X0 + 20_000, Y0)]),
                      LineString([(X0 + 5000, Y0), (X0 + 5000, Y0 + 5000)])],
            crs=CRS),
        "investment_sites": gpd.GeoDataFrame(
            {"site_id": ["mine", "far"], "name": ["Gruvan", "Långt bort"]},
            geometry=[Point(X0, Y0), Point(X0 + 10_000, Y0 + 80_000)], crs=CRS),
        "settlements": gpd.GeoDataFrame(
            {"name": ["Byn", "Staden"], "population": [100, 2000]},
            geometry=[Point(X0 + 12_000, Y0), Point(X0 + 5000, Y0 + 4000)], crs=CRS),
        "housing_land": gpd.GeoDataFrame(
            {"area_id": ["h1"], "dwellings": [40]},
            geometry=[box(X0 + 4900, Y0 + 3900, X0 + 5100, Y0 + 4100)], crs=CRS),
    }
    for name, gdf in frames.items():
        pyogrio.write_dataframe(gdf, gpkg, layer=name)
    specs = [_spec("roads", "roads", "LineString"), _spec("investment_sites", "investment_sites", "Point"),
             _spec("settlements", "settlements", "Point"), _spec("housing_land", "housing_land", "Polygon")]
    for spec in specs:
        (tmp_path / "layers" / f"{spec['id']}.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True),
                                                                encoding="utf-8")
    return tmp_path


def run(project, *args):
    return CliRunner().invoke(cli, ["catchments", "--catalog", str(project / "layers"), *args])


def test_catchments_writes_layers_and_totals(project):
    out = project / "out.gpkg"
    # the minutes below are solved by hand at the signed limits
    res = run(project, "--site-ids", "mine", "--minutes", "5,10,15", "--season", "signed_limits", "--out", str(out))
    assert res.exit_code == 0, res.output
    layers = dict(pyogrio.list_layers(out))
    assert {"catchments", "catchments_nearest", "site_access", "places_settlements", "places_housing_land",
            "band_totals", "parameters"} <= set(layers)
    polys = gpd.read_file(out, layer="catchments")
    assert polys.crs == CRS and len(polys) == 3 and (polys["status"] == "ok").all()
    assert polys.geometry.is_valid.all() and list(polys["site_name"].unique()) == ["Gruvan"]
    places = gpd.read_file(out, layer="places_settlements").set_index("name")
    # Byn: 12 km at 60 km/h = 12 min; Staden: 5 km + 4 km = 9 min
    assert places.loc["Byn", "minutes_mine"] == pytest.approx(12.0, abs=0.01)
    assert places.loc["Staden", "minutes_nearest"] == pytest.approx(9.0, abs=0.01)
    assert places.loc["Byn", "band_minutes"] == 15
    totals = gpd.read_file(out, layer="band_totals")
    site = totals[(totals["layer"] == "settlements") & (totals["scope"] == "site")].set_index("minutes")
    assert site.loc[5, "population"] == 0 and site.loc[10, "population"] == 2000 and site.loc[15, "population"] == 2100
    housing = totals[(totals["layer"] == "housing_land") & (totals["scope"] == "any")].set_index("minutes")
    assert housing.loc[10, "dwellings"] == 40 and housing.loc[10, "area_m2"] == pytest.approx(40_000)
    params = gpd.read_file(out, layer="parameters").set_index("key")["value"]
    assert json.loads(params["minutes"]) == [5.0, 10.0, 15.0] and json.loads(params["season"]) == "signed_limits"
    assert "mine 15 min" in res.output


def test_existing_output_needs_overwrite(project):
    out = project / "out.gpkg"
    assert run(project, "--site-ids", "mine", "--out", str(out)).exit_code == 0
    res = run(project, "--site-ids", "mine", "--out", str(out))
    assert res.exit_code == 2 and "--overwrite" in res.output
    assert run(project, "--site-ids", "mine", "--out", str(out), "--overwrite", "--season", "winter").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site-ids", "nope"], "nope not in layer 'investment_sites'"),
        ([], "'far' (75,166 m)"),  # the far site is beyond the snap distance: error names it
        (["--site-ids", "mine", "--season", "spring"],
         "'spring' is not one of 'summer', 'winter', 'winter_open_tracks'"),
        (["--site-ids", "mine", "--minutes", "10,x"], "'x' is not a number"),
        (["--site-ids", "mine", "--roads", "rivers"], "--roads 'rivers'"),
        (["--site-ids", "mine", "--places", "schools"], "--places: schools"),
    ],
)
def test_user_errors_exit_2_with_message(project, args, message):
    res = run(project, *args, "--out", str(project / "x.gpkg"))
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output
    assert not (project / "x.gpkg").exists()


@pytest.mark.slow  # catchments of every default site (~20 s)
@pytest.mark.skipif(not (REPO / "data" / "jokkmokk.gpkg").exists() or not (REPO / "layers" / "roads.yaml").exists(),
                    reason="default study data not built")
def test_default_study_is_plausible(tmp_path):
    catalog = REPO / "layers"
    outs = {}
    for season in ("summer", "winter"):
        out = tmp_path / f"{season}.gpkg"
        res = CliRunner().invoke(cli, ["catchments", "--catalog", str(catalog), "--season", season,
                                       "--site-ids", "jokkmokk_industri,kallak,gallivare_lkab_hybrit,boden_stegra",
                                       "--minutes", "30,45,60,90", "--out", str(out)])
        assert res.exit_code == 0, res.output
        outs[season] = out
    places = gpd.read_file(outs["summer"], layer="places_settlements").set_index("name")
    # Porjus and Vuollerim are within 45 minutes of Jokkmokk in summer
    assert places.loc["Porjus", "minutes_jokkmokk_industri"] <= 45
    assert places.loc["Vuollerim", "minutes_jokkmokk_industri"] <= 45
    assert places.loc["Jokkmokk", "minutes_jokkmokk_industri"] <= 10
    summer = gpd.read_file(outs["summer"], layer="catchments").set_index(["site_id", "minutes"])
    winter = gpd.read_file(outs["winter"], layer="catchments").set_index(["site_id", "minutes"])
    for key, row in winter.iterrows():
        if row.geometry is None:
            continue
        assert row.area_m2 <= summer.loc[key, "area_m2"] + 1e-6
        assert row.geometry.difference(summer.loc[key, "geometry"]).area <= 1e-6 * summer.loc[key, "area_m2"]
    # nested bands, valid polygons
    for _, group in summer.reset_index().groupby("site_id"):
        geoms = list(group.sort_values("minutes").geometry)
        assert all(g.is_valid for g in geoms)
        for small, big in zip(geoms, geoms[1:], strict=False):
            assert small.difference(big).area <= 1e-6
    wplaces = gpd.read_file(outs["winter"], layer="places_settlements").set_index("name")
    assert (wplaces["minutes_nearest"] >= places["minutes_nearest"] - 1e-9).all()


def test_results_are_printed_in_the_chosen_language(project, tmp_path):
    """No "1 settlements": place counts are "<layer title>: n", numbers formatted per language."""
    sv = run(project, "--site-ids", "mine", "--out", str(tmp_path / "sv.gpkg"))
    en = run(project, "--site-ids", "mine", "--out", str(tmp_path / "en.gpkg"), "--lang", "en", "-q")
    assert sv.exit_code == 0 and en.exit_code == 0, sv.output + en.output
    assert "Skrev" in sv.output and "Wrote" not in sv.output
    assert "Wrote" not in en.output  # -q after the command name silences the progress lines
    assert "1 settlements" not in sv.output + en.output and ": 1" in en.output, sv.output + en.output
    assert "mine 15 min" in en.output


def test_mistyped_command_gets_did_you_mean():
    res = CliRunner().invoke(cli, ["catchment"])
    assert res.exit_code == 2 and "Did you mean 'catchments'?" in res.output


@pytest.mark.slow
def test_dask_engine_gives_the_same_catchments(project):
    args = ("--site-ids", "mine", "--minutes", "5,10,15", "--season", "signed_limits")
    assert run(project, *args, "--out", str(project / "here.gpkg")).exit_code == 0
    res = run(project, *args, "--out", str(project / "there.gpkg"), "--engine", "dask", "--workers", "2")
    assert res.exit_code == 0, res.output
    for layer in ("catchments", "catchments_nearest", "site_access"):
        here = gpd.read_file(project / "here.gpkg", layer=layer)
        there = gpd.read_file(project / "there.gpkg", layer=layer)
        assert len(here) and here.drop(columns="geometry").equals(there.drop(columns="geometry")), layer
        assert here.geometry.geom_equals_exact(there.geometry, 0).all(), layer
