"""Differences between baseline and scenario results, checked against hand-computed values."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from jokkgeo.analysis import diff
from jokkgeo.errors import AnalysisError, CRSError

CRS = "EPSG:3006"


def bands(rows):
    return gpd.GeoDataFrame(
        {"site_id": [r[0] for r in rows], "minutes": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs=CRS,
    )


def test_area_changes_gained_and_lost_by_hand():
    # baseline 30-min band: 10 km x 10 km square; scenario shifted 2 km east:
    # gained strip 2 km x 10 km = 20 km², lost strip of the same size on the west.
    base = bands([("kallak", 30, box(0, 0, 10_000, 10_000)), ("kallak", 60, box(0, 0, 20_000, 20_000))])
    scen = bands([("kallak", 30, box(2_000, 0, 12_000, 10_000)), ("kallak", 60, box(0, 0, 20_000, 20_000))])
    out = diff.area_changes(base, scen, keys=["site_id", "minutes"])
    assert list(out["change"]) == ["gained", "lost"]
    assert (out["minutes"] == 30).all()
    assert out["area_m2"].tolist() == pytest.approx([20e6, 20e6])
    assert out.geometry.iloc[0].bounds == (10_000, 0, 12_000, 10_000)
    assert out.geometry.iloc[1].bounds == (0, 0, 2_000, 10_000)
    assert out.crs == CRS


def test_area_changes_dissolves_pieces_and_handles_one_sided_keys():
    # baseline band made of two touching halves (dissolved to one 4x2 rectangle);
    # the scenario adds a new site whose whole band is gained.
    base = bands([("a", 15, box(0, 0, 2, 2)), ("a", 15, box(2, 0, 4, 2))])
    scen = bands([("a", 15, box(0, 0, 4, 2)), ("b", 15, box(10, 10, 13, 13))])
    out = diff.area_changes(base, scen, keys=["site_id", "minutes"])
    assert out[["site_id", "change"]].values.tolist() == [["b", "gained"]]
    assert out["area_m2"].iloc[0] == pytest.approx(9.0)


def test_area_changes_identical_is_empty_and_inputs_untouched():
    base = bands([("a", 15, box(0, 0, 5, 5))])
    before = base.copy()
    out = diff.area_changes(base, base.copy(), keys=["site_id", "minutes"])
    assert out.empty
    pd.testing.assert_frame_equal(base, before)


def test_area_changes_refuses_geographic_crs():
    base = bands([("a", 15, box(0, 0, 1, 1))]).set_crs("EPSG:4326", allow_override=True)
    with pytest.raises(CRSError, match="geographic"):
        diff.area_changes(base, base, keys=["site_id", "minutes"])


def test_area_changes_drops_slivers():
    base = bands([("a", 15, box(0, 0, 100, 100))])
    scen = bands([("a", 15, box(0, 0, 100.001, 100))])  # 0.1 m² more
    assert diff.area_changes(base, scen, keys=["site_id", "minutes"], min_area_m2=1.0).empty
    assert len(diff.area_changes(base, scen, keys=["site_id", "minutes"], min_area_m2=0.01)) == 1


def test_table_changes_deltas_and_one_sided_keys():
    base = pd.DataFrame({"site_id": ["a", "a", "c"], "minutes": [30, 60, 30], "population": [100, 250, 7]})
    scen = pd.DataFrame({"site_id": ["a", "a", "b"], "minutes": [30, 60, 30], "population": [100, 400, 40]})
    out = diff.table_changes(base, scen, keys=["site_id", "minutes"], values=["population"])
    got = {(r.site_id, r.minutes): (r.population_change, r.status) for r in out.itertuples()}
    assert got == {("a", 30): (0, "both"), ("a", 60): (150, "both"), ("b", 30): (40, "new"), ("c", 30): (-7, "removed")}
    only = diff.table_changes(base, scen, keys=["site_id", "minutes"], values=["population"], only_changed=True)
    assert len(only) == 3


def test_table_changes_identical_has_no_changes():
    t = pd.DataFrame({"sameby": ["Sirges", "Udtja"], "influenced_share": [0.25, 0.5]})
    out = diff.table_changes(t, t.copy(), keys=["sameby"], values=["influenced_share"])
    assert (out["influenced_share_change"] == 0).all()
    assert diff.table_changes(t, t, keys=["sameby"], values=["influenced_share"], only_changed=True).empty


def test_table_changes_rejects_duplicate_keys():
    t = pd.DataFrame({"k": [1, 1], "v": [1.0, 2.0]})
    with pytest.raises(AnalysisError, match="not unique"):
        diff.table_changes(t, t, keys=["k"], values=["v"])


def test_access_changes_band_crossings_by_hand():
    # place p1: 40 -> 25 min: enters the 30-min band (60 unchanged);
    # p2: unreachable -> 50 min: enters the 60-min band;
    # p3: 20 -> 35 min: leaves the 30-min band; p4: 10 -> 12 min: no band limit crossed.
    base = pd.DataFrame({"site_id": "k", "place": ["p1", "p2", "p3", "p4"], "minutes": [40, np.nan, 20, 10]})
    scen = pd.DataFrame({"site_id": "k", "place": ["p1", "p2", "p3", "p4"], "minutes": [25, 50, 35, 12]})
    out = diff.access_changes(base, scen, keys=["site_id", "place"], bands_minutes=[30, 60])
    got = sorted(zip(out["place"], out["band_minutes"], out["change"], strict=False))
    assert got == [("p1", 30.0, "gained"), ("p2", 60.0, "gained"), ("p3", 30.0, "lost")]
    assert out.loc[out["place"] == "p2", "minutes_baseline"].isna().all()
    assert diff.access_changes(base, base, keys=["site_id", "place"], bands_minutes=[30, 60]).empty


def conflicts(rows):
    return gpd.GeoDataFrame(
        {"rule": [r[0] for r in rows], "feature": [r[1] for r in rows], "severity": [r[2] for r in rows]},
        geometry=[Point(i, i) for i in range(len(rows))],
        crs=CRS,
    )


def test_keyed_changes_new_removed_changed():
    base = conflicts([("road_x_calving", "805", "medium"), ("rail_x_route", "r1", "high"), ("wind", "w1", "low")])
    scen = conflicts([("road_x_calving", "805", "high"), ("rail_x_route", "r1", "high"), ("spur", "s1", "high")])
    out = diff.keyed_changes(base, scen, keys=["rule", "feature"], compare=["severity"])
    got = {(r.rule, r.status, r.severity_baseline if r.status != "new" else None,
            r.severity_scenario if r.status != "removed" else None) for r in out.itertuples()}
    assert got == {
        ("spur", "new", None, "high"),
        ("road_x_calving", "changed", "medium", "high"),
        ("wind", "removed", "low", None),
    }
    assert list(out["status"]) == ["new", "changed", "removed"]
    # removed rows keep the baseline geometry, others the scenario geometry
    assert out.loc[out["status"] == "removed"].geometry.iloc[0].equals(Point(2, 2))
    assert out.loc[out["status"] == "new"].geometry.iloc[0].equals(Point(2, 2))
    assert isinstance(out, gpd.GeoDataFrame)


def test_keyed_changes_identical_and_repeated_keys():
    base = conflicts([("r", "a", 1.0), ("r", "a", 2.0)])
    assert diff.keyed_changes(base, base.copy(), keys=["rule", "feature"], compare=["severity"]).empty
    scen = conflicts([("r", "a", 1.0), ("r", "a", 2.0), ("r", "a", 3.0)])
    out = diff.keyed_changes(base, scen, keys=["rule", "feature"], compare=["severity"])
    assert out[["status", "key_occurrence"]].values.tolist() == [["new", 2]]


def test_new_features_new_crossings():
    base = gpd.GeoDataFrame({"route_id": ["f1"], "infra": ["roads:1"]}, geometry=[Point(0, 0)], crs=CRS)
    scen = gpd.GeoDataFrame(
        {"route_id": ["f1", "f1", "f2"], "infra": ["roads:1", "spur:0", "spur:0"], "name": ["x", "y", "z"]},
        geometry=[Point(0, 0), Point(5, 5), Point(9, 9)],
        crs=CRS,
    )
    out = diff.new_features(base, scen, keys=["route_id", "infra"], carry=["name"])
    rows = zip(out["route_id"], out["infra"], out["name"], strict=True)
    assert sorted(rows) == [("f1", "spur:0", "y"), ("f2", "spur:0", "z")]
    assert diff.new_features(scen, scen, keys=["route_id", "infra"]).empty


def test_keyed_changes_plain_tables():
    base = pd.DataFrame({"k": ["a", "b"], "v": [1.0, 2.0]})
    scen = pd.DataFrame({"k": ["a", "b"], "v": [1.0, 2.5]})
    out = diff.keyed_changes(base, scen, keys=["k"], compare=["v"])
    assert out[["k", "status", "v_baseline", "v_scenario"]].values.tolist() == [["b", "changed", 2.0, 2.5]]
    assert not isinstance(out, gpd.GeoDataFrame)
    _ = LineString  # geometry type import kept for readability of fixtures
