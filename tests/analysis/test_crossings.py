"""Crossings of migration routes by known lines: counts worked out by hand."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, MultiLineString

from jokkgeo.analysis.crossings import crossings
from jokkgeo.errors import CRSError

ROOT = Path(__file__).resolve().parents[2]
CRS = "EPSG:3006"


def lines(geoms, **cols):
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs=CRS)


@pytest.fixture
def network():
    routes = lines([LineString([(0, 0), (1000, 0)]), LineString([(0, 500), (1000, 500)]),
                    MultiLineString([[(0, -300), (500, -300)], [(500, -300), (1000, -300)]])],
                   route_id=["R1", "R2", "R3"], sameby=["A", "B", "C"])
    roads = lines(
        [LineString([(100, -50), (100, 0)]), LineString([(100, 0), (100, 50)]),  # one road split at the route
         LineString([(300, -400), (300, 50)]),  # crosses R1 and R3
         LineString([(2000, -50), (2000, 50)])],  # far away
        ref=["E 45", "E 45", "97", "805"], name=["Inlandsvägen", "Inlandsvägen", "Riksväg 97", "Kvikkjokksvägen"],
        highway=["trunk", "trunk", "primary", "secondary"], maxspeed=[90, 90, 80, 70])
    rail = lines([LineString([(400, -10), (450, 10), (500, -10)])], name=["Inlandsbanan"], line=["Inlandsbanan"])
    power = lines([LineString([(600, 0), (700, 0)])], name=["L1"], voltage_kv=[400])  # runs along R1
    return routes, {"roads": roads, "rail": rail, "power_lines": power}


def test_crossing_counts_of_known_lines(network):
    routes, infra = network
    pts, counts = crossings(routes, infra, route_layer="reindeer_migration_routes")
    c = counts.set_index("route_id")
    # R1: E45 once (split road counted once), rv 97 once, the zigzag rail twice, the power line along it once
    assert c.loc["R1", "n_crossings"] == 5
    assert (c.loc["R1", "n_roads"], c.loc["R1", "n_rail"], c.loc["R1", "n_power_lines"]) == (2, 2, 1)
    assert c.loc["R2", "n_crossings"] == 0 and c.loc["R2", "crossed_by"] == ""
    assert c.loc["R3", "n_crossings"] == 1 and c.loc["R3", "crossed_by"] == "97 Riksväg 97"
    r1 = pts[pts["route_id"] == "R1"].sort_values("x")
    assert r1["x"].round(6).tolist() == [100.0, 300.0, 425.0, 475.0, pytest.approx(650.0)]
    assert r1["y"].round(6).tolist()[:4] == [0.0, 0.0, 0.0, 0.0]
    e45 = r1.iloc[0]
    assert e45["infra_label"] == "E 45 Inlandsvägen" and e45["infra_type"] == "trunk" and e45["infra_maxspeed"] == 90
    assert r1.iloc[4]["shared_stretch"] and r1.iloc[4]["infra_type"] == "400 kV"
    assert not r1.iloc[:4]["shared_stretch"].any()
    assert pts.crs == CRS and (pts["route_layer"] == "reindeer_migration_routes").all()


def test_crossings_refuse_geographic_crs(network):
    routes, infra = network
    with pytest.raises(CRSError):
        crossings(routes.to_crs("EPSG:4326"), infra)


def test_default_study_crossings_by_e45_rv97_and_railways():
    if not (ROOT / "data" / "jokkmokk.gpkg").exists():
        pytest.skip("default data not built")
    from jokkgeo.analysis.crossings import crossings_for_rules
    from jokkgeo.io.configs import load_rules, read_catalogue
    from jokkgeo.workflows.conflicts import load_rule_layers

    rules = load_rules()
    layers = load_rule_layers(read_catalogue(ROOT / "layers"), rules)
    res = crossings_for_rules(layers, rules, language="en")
    pts = res.points
    refs = set(pts["infra_ref"].dropna().astype(str).str.replace(" ", ""))
    assert {"E45", "97"} <= refs
    assert {"Inlandsbanan", "Malmbanan"} <= set(pts.loc[pts["infra_layer"] == "rail", "infra_line"])
    assert (res.counts["n_crossings"] > 0).all()
    assert res.counts["n_crossings"].sum() == len(pts)
    assert (pts["citation"].str.len() > 0).all()
    assert any("Illustrative" in c for c in res.caveats)
