"""Accessibility of places on the hand-solved toy network (see test_catchments.py for the figure).

To site ``a`` at A(0,0): B 100 s, C 150 s, D 251.82 s (one-way B->D), E 350 s; island F-G unreachable.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from jokkgeo.analysis.accessibility import accessibility
from jokkgeo.errors import AnalysisError, CRSError
from jokkgeo.network.graph import graph_from_lines

L = shapely.LineString
P = shapely.Point
V_DC = 50 / 3.6  # D-C at SE:urban 50 km/h
T_D = 1414.2135623730951 / V_DC + 150


@pytest.fixture()
def toy():
    roads = gpd.GeoDataFrame(
        {
            "highway": ["primary", "primary", "residential", "tertiary", "unclassified", "unclassified"],
            "maxspeed": ["36", "72", "36", "SE:urban", "18", "36"],
            "oneway": ["no", "no", "yes", "no", "no", "no"],
        },
        geometry=[L([(0, 0), (1000, 0)]), L([(1000, 0), (2000, 0)]), L([(1000, 0), (1000, 1000)]),
                  L([(1000, 1000), (2000, 0)]), L([(2000, 0), (3000, 0)]), L([(10000, 0), (11000, 0)])],
        crs="EPSG:3006",
    )
    return graph_from_lines(roads)


@pytest.fixture()
def site():
    return gpd.GeoDataFrame({"site_id": ["a"]}, geometry=[P(0, 0)], crs="EPSG:3006")


def places(*pts, **cols):
    return gpd.GeoDataFrame(cols, geometry=[P(p) for p in pts], crs="EPSG:3006", index=[f"p{i}" for i in range(len(pts))])


def test_place_times_by_hand(toy, site):
    pl = places((2400, 0), (1500, 500), (1000, 500), (10500, 0), (0, 300), (1000, 1000))
    res = accessibility(toy, site, pl, minutes=[2.5, 4, 5])
    got = res.places["minutes_nearest"] * 60
    assert got["p0"] == pytest.approx(150 + 400 / 5)  # partly along C-E (5 m/s)
    assert got["p1"] == pytest.approx(150 + 707.10678 / V_DC, rel=1e-6)  # partly along D-C
    assert got["p2"] == pytest.approx(50 + T_D, rel=1e-6)  # on the one-way: must go on to D first
    assert math.isnan(got["p3"])  # island: unreachable, not dropped
    assert got["p4"] == pytest.approx(300 / (30 / 3.6))  # 300 m off-road at 30 km/h
    assert got["p5"] == pytest.approx(T_D, rel=1e-6)
    bands = res.places["band_minutes"]
    assert bands["p0"] == 4 and bands["p1"] == 4 and math.isnan(bands["p2"]) and bands["p4"] == 2.5
    assert res.places["reachable"].tolist() == [True, True, True, False, True, True]
    assert res.n_unreachable == 1 and "1 of 6 place(s) unreachable" in res.warnings[0]
    assert res.places["snap_distance_m"]["p4"] == pytest.approx(300)
    assert list(res.places.index) == list(pl.index)  # input index kept
    assert "minutes_nearest" not in pl.columns  # input not modified


def test_from_site_uses_the_one_way(toy, site):
    res = accessibility(toy, site, places((1000, 500)), minutes=[5], direction="from_site")
    assert res.places["minutes_nearest"].iloc[0] * 60 == pytest.approx(150)


def test_totals_per_band_and_scope(toy):
    two = gpd.GeoDataFrame({"site_id": ["a", "e"]}, geometry=[P(0, 0), P(3000, 0)], crs="EPSG:3006")
    pl = places((500, 0), (2500, 0), (1500, 0), (10500, 0), population=[10, 20, 40, 80], dwellings=[1, 2, 4, 8])
    res = accessibility(toy, two, pl, minutes=[1, 2, 3])
    p = res.places.set_index(res.places.index)
    # (500,0): a 50 s; (2500,0): e 100 s (5 m/s); (1500,0): a 125 s vs e 200+25 = 225 s
    assert p["nearest_site_id"].tolist()[:3] == ["a", "e", "a"]
    assert p["minutes_a"].tolist()[:3] == pytest.approx([50 / 60, (150 + 100) / 60, 125 / 60])
    t = res.totals
    anyband = t[t["scope"] == "any"].set_index("minutes")
    assert anyband["population"].tolist() == [10, 10 + 20, 10 + 20 + 40]  # cumulative bands
    assert anyband["n_places"].tolist() == [1, 2, 3]
    near_a = t[(t["scope"] == "nearest") & (t["site_id"] == "a")].set_index("minutes")
    assert near_a["dwellings"].tolist() == [1, 1, 5]
    site_e = t[(t["scope"] == "site") & (t["site_id"] == "e")].set_index("minutes")
    assert site_e["population"].tolist() == [0, 20, 20]  # (1500,0) is 225 s from e, (500,0) 300 s
    assert (t["area_m2"] == 0).all()  # points have no area


def test_polygon_places_area_totals(toy, site):
    lots = gpd.GeoDataFrame({"dwellings": [5, 7]},
                            geometry=[shapely.box(400, -50, 600, 50), shapely.box(20000, 0, 20100, 100)],
                            crs="EPSG:3006")
    res = accessibility(toy, site, lots, minutes=[2])
    anyband = res.totals[res.totals["scope"] == "any"].iloc[0]
    assert anyband["area_m2"] == pytest.approx(200 * 100) and anyband["dwellings"] == 5
    assert not res.places["reachable"].iloc[1]  # 17 km from any road: beyond the snap distance


def test_winter_places_not_faster():
    roads = gpd.GeoDataFrame({"highway": ["primary", "track"], "maxspeed": ["90", None]},
                             geometry=[L([(0, 0), (20000, 0)]), L([(5000, 0), (5000, 3000)])], crs="EPSG:3006")
    net = graph_from_lines(roads)
    site = gpd.GeoDataFrame({"site_id": ["s"]}, geometry=[P(0, 0)], crs="EPSG:3006")
    pl = places((5050, 2900), (5000, 1500), (15000, 10))
    s = accessibility(net, site, pl, minutes=[30], profile="summer").places["minutes_nearest"]
    w = accessibility(net, site, pl, minutes=[30], profile="winter").places["minutes_nearest"]
    assert (w >= s - 1e-9).all()
    assert w.iloc[2] == pytest.approx(s.iloc[2] / 0.9, rel=1e-3)  # main road at 0.9 of summer speed


def test_errors(toy, site):
    with pytest.raises(CRSError):
        accessibility(toy, site, places((0, 0)).set_crs("EPSG:4326", allow_override=True))
    with pytest.raises(AnalysisError, match="GeoDataFrame"):
        accessibility(toy, site, np.zeros(3))
    with pytest.raises(AnalysisError, match="access_speed_kph"):
        accessibility(toy, site, places((0, 0)), access_speed_kph=0)


def test_node_snapping_option(toy, site):
    pl = places((2400, 0), (10500, 0))
    res = accessibility(toy, site, pl, minutes=[5], snap="node")
    # nearest node C (2000,0) at 400 m: 400 m off-road at 30 km/h + C's 150 s
    assert res.places["minutes_nearest"].iloc[0] * 60 == pytest.approx(150 + 400 / (30 / 3.6))
    assert res.places["snap_distance_m"].iloc[0] == pytest.approx(400)
    assert not res.places["reachable"].iloc[1]
    assert res.params["snap"] == "node"
    with pytest.raises(AnalysisError, match="snap must be"):
        accessibility(toy, site, pl, snap="vertex")
