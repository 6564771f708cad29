"""Access to services, hand-solved on a straight toy road (:mod:`jokkgeo.analysis.services`).

One road along y = 0 from x = 0 to x = 30 km, all of one class, so every metre takes the same
time; the time per metre is read from the network (the speed model may change), and the
expected minutes below are worked out by hand as distance × that time. Every resident and
service lies on the road (no off-road leg).

    x (km):  0     2          9       14    19  20     24     30
             S1    r1         r2      r3    n   S2     r4     H
    schools S1, S2 (capacity 100, 60); health centre H; residents r1 100, r2 50, r3 30, r4 20
    people; a hamlet r5 (5 people) 50 km from the road: unreachable; newcomers n: 40 at 19 km.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point

from jokkgeo.analysis.services import SERVICE_KINDS, ServiceAccessOptions, resolve_kinds, service_access
from jokkgeo.errors import AnalysisError
from jokkgeo.network.graph import graph_from_lines

CRS = "EPSG:3006"
X0, Y0 = 740_000.0, 7_370_000.0


def _pts(xs, ys=None):
    ys = ys if ys is not None else [0.0] * len(xs)
    return [Point(X0 + x, Y0 + y) for x, y in zip(xs, ys, strict=True)]


@pytest.fixture(scope="module")
def network():
    roads = gpd.GeoDataFrame({"highway": ["primary"] * 3, "maxspeed": ["60"] * 3},
                             geometry=[LineString([(X0, Y0), (X0 + 10_000, Y0)]),
                                       LineString([(X0 + 10_000, Y0), (X0 + 20_000, Y0)]),
                                       LineString([(X0 + 20_000, Y0), (X0 + 30_000, Y0)])], crs=CRS)
    return graph_from_lines(roads)


def minutes_per_km(network, season):
    """Minutes per km on the toy road in a season (one road class: the same on every arc)."""
    from jokkgeo.network.profiles import get_profile

    t = network.travel_time(get_profile(season))
    lengths = network.arc_length if hasattr(network, "arc_length") else None
    if lengths is None:
        lengths = np.asarray(network.edges().geometry.length)[network.arc_geom]
    per_m = np.asarray(t, dtype=float) / np.asarray(lengths, dtype=float)
    assert np.allclose(per_m, per_m[0])
    return per_m[0] * 1000 / 60


@pytest.fixture(scope="module")
def services():
    return gpd.GeoDataFrame({"service_id": ["S1", "S2", "H"], "name": ["Skola 1", "Skola 2", "Vårdcentral"],
                             "kind": ["school", "school", "health_centre"], "locality": ["A", "B", "C"],
                             "capacity": [100, 60, None]}, geometry=_pts([0, 20_000, 30_000]), crs=CRS)


@pytest.fixture(scope="module")
def residents():
    return gpd.GeoDataFrame({"name": ["r1", "r2", "r3", "r4", "r5"], "population": [100, 50, 30, 20, 5],
                             "age_6_15": [10, 5, 3, 2, 0]},
                            geometry=_pts([2_000, 9_000, 14_000, 24_000, 15_000], [0, 0, 0, 0, 50_000]), crs=CRS)


@pytest.fixture(scope="module")
def newcomers():
    return gpd.GeoDataFrame({"population": [40.0]}, geometry=_pts([19_000]), crs=CRS)


@pytest.fixture(scope="module")
def result(network, services, residents, newcomers):
    # bands at 5 and 10 km of road in summer (5 and 10 min at 60 km/h)
    k = minutes_per_km(network, "summer")
    return service_access(network, services, residents, newcomers=newcomers, kinds=["school", "health_centre"],
                          seasons=["summer", "winter"], minutes=[5 * k, 10 * k],
                          options=ServiceAccessOptions(n_worst=3))


def test_minutes_to_the_nearest_school_and_which_one(network, result):
    k = minutes_per_km(network, "summer")
    r = result.residents
    # r1 2 km from S1, r2 9 km from S1 (11 from S2), r3 6 km from S2, r4 4 km from S2, r5 off the road
    np.testing.assert_allclose(r["minutes_school_summer"].to_numpy()[:4], np.array([2, 9, 6, 4]) * k)
    assert np.isnan(r["minutes_school_summer"].iloc[4])
    assert r["nearest_school_summer"].tolist()[:4] == ["S1", "S1", "S2", "S2"]
    np.testing.assert_allclose(r["minutes_health_centre_summer"].to_numpy()[:4], np.array([28, 21, 16, 6]) * k)
    assert list(r.index) == list(range(5)) and r["name"].tolist() == ["r1", "r2", "r3", "r4", "r5"]


def test_winter_is_slower_by_the_profile(network, result):
    ks, kw = minutes_per_km(network, "summer"), minutes_per_km(network, "winter")
    assert kw > ks
    np.testing.assert_allclose(result.residents["minutes_school_winter"].to_numpy()[:4], np.array([2, 9, 6, 4]) * kw)


def test_people_per_band(network, result):
    k = minutes_per_km(network, "summer")
    b = result.bands.set_index(["kind", "season", "scenario", "minutes"])
    five, ten = 5 * k, 10 * k
    # ≤ 5 km: r1 (2) 100 + r4 (4) 20 = 120; 5–10 km: r2 (9) 50 + r3 (6) 30 = 80
    assert b.loc[("school", "summer", "today", five), "people_in_band"] == 120
    assert b.loc[("school", "summer", "today", ten), "people_in_band"] == 80
    assert b.loc[("school", "summer", "today", ten), "people_within"] == 200
    assert b.loc[("school", "summer", "today", ten), "share_within"] == pytest.approx(200 / 205)
    # school-age children: r1 10 + r4 2 within 5 km, all 20 reachable ones within 10
    assert b.loc[("school", "summer", "today", five), "age_6_15_within"] == 12
    assert b.loc[("school", "summer", "today", ten), "age_6_15_within"] == 20
    # growth: the newcomers, 1 km from S2, fall in the first band
    assert b.loc[("school", "summer", "growth", five), "people_in_band"] == 160
    # health centre: only r4 (6 km) within 10 km
    assert b.loc[("health_centre", "summer", "today", five), "people_within"] == 0
    assert b.loc[("health_centre", "summer", "today", ten), "people_within"] == 20
    # winter is slower: r2 (9 km) drops out of the 10 km band once winter is 10/9 slower or more
    kw = minutes_per_km(network, "winter")
    expected = sum(p for p, km in ((100, 2), (50, 9), (30, 6), (20, 4)) if km * kw <= ten)
    assert b.loc[("school", "winter", "today", ten), "people_within"] == expected
    for _, g in result.bands.groupby(["kind", "season", "scenario"]):
        assert (np.diff(g["people_within"].to_numpy()) >= 0).all()
        np.testing.assert_allclose(g["people_within"], np.cumsum(g["people_in_band"]))


def test_summary_counts_unreachable_and_beyond(network, result):
    s = result.summary.set_index(["kind", "season", "scenario"])
    row = s.loc[("health_centre", "summer", "today")]
    k = minutes_per_km(network, "summer")
    assert row["people"] == 205 and row["people_unreachable"] == 5
    # beyond 10 km: every reachable resident but r4 (6 km)
    assert row["people_beyond"] == 200 - 20
    assert row["mean_minutes"] == pytest.approx((100 * 28 + 50 * 21 + 30 * 16 + 20 * 6) * k / 200)
    assert row["max_minutes"] == pytest.approx(28 * k)
    assert s.loc[("school", "summer", "growth"), "people"] == 245


def test_worst_served_places(result):
    w = result.worst[(result.worst["kind"] == "health_centre") & (result.worst["season"] == "summer")]
    # the unreachable hamlet first, then the longest times: r1 (28 km), r2 (21 km)
    assert w["place"].tolist() == ["r5", "r1", "r2"]
    assert w["people"].tolist() == [5, 100, 50]
    assert w["rank"].tolist() == [1, 2, 3]
    assert np.isnan(w["minutes"].iloc[0]) and w["nearest_service"].iloc[1] == "H"


def test_load_today_and_after_growth(result):
    load = result.load[result.load["season"] == "summer"].set_index("service_id")
    # S1 serves r1 + r2 = 150; S2 serves r3 + r4 = 50, and the 40 newcomers at 19 km
    assert load.loc["S1", "residents"] == 150 and load.loc["S1", "newcomers"] == 0
    assert load.loc["S2", "residents"] == 50 and load.loc["S2", "newcomers"] == 40
    assert load.loc["S2", "residents_after"] == 90
    assert load.loc["S2", "per_capacity"] == pytest.approx(50 / 60)
    assert load.loc["S2", "per_capacity_after"] == pytest.approx(90 / 60)
    assert load.loc["H", "residents"] == 200 and np.isnan(load.loc["H", "per_capacity"])
    assert load.loc["S1", "n_places"] == 2
    assert result.load.crs == "EPSG:3006"
    # every reachable resident is the load of exactly one service of each kind
    for (_kind, _season), g in result.load.groupby(["kind", "season"]):
        assert g["residents"].sum() == 200 and g["newcomers"].sum() == 40


def test_newcomers_add_load_exactly(network, services, residents, newcomers, result):
    alone = service_access(network, services, residents, kinds=["school"], seasons=["summer"], minutes=[5, 10])
    assert alone.newcomers is None and set(alone.bands["scenario"]) == {"today"}
    a = alone.load.set_index("service_id")["residents"]
    b = result.load[(result.load["season"] == "summer") & (result.load["kind"] == "school")].set_index("service_id")
    np.testing.assert_allclose(b["residents"], a)
    np.testing.assert_allclose(b["residents_after"] - a, [0, 40])
    assert result.newcomers["nearest_school_summer"].tolist() == ["S2"]


def test_inputs_not_modified(services, residents, result):
    assert list(residents.columns) == ["name", "population", "age_6_15", "geometry"]
    assert "minutes_school_summer" not in residents.columns


def test_missing_kind_is_stated_not_an_error(network, services, residents):
    res = service_access(network, services, residents, kinds=["school", "hospital"], seasons=["summer"],
                         minutes=[10])
    assert res.missing_kinds == ("hospital",)
    assert any("hospital" in w for w in res.warnings)
    row = res.summary[(res.summary["kind"] == "hospital")].iloc[0]
    assert row["n_services"] == 0 and row["people_unreachable"] == 205
    assert res.residents["minutes_hospital_summer"].isna().all()
    assert (res.load["kind"] == "hospital").sum() == 0


def test_unknown_kind_is_an_error_with_a_hint(network, services, residents):
    with pytest.raises(AnalysisError, match="unknown kind.*'scool'.*did you mean 'school'"):
        service_access(network, services, residents, kinds=["scool"], seasons=["summer"])


def test_kinds_default_to_those_present_in_known_order(services):
    kinds, missing = resolve_kinds(services, None)
    assert kinds == ("school", "health_centre") and missing == ()
    assert SERVICE_KINDS.index("school") < SERVICE_KINDS.index("health_centre")


def test_bad_inputs(network, services, residents):
    with pytest.raises(AnalysisError, match="population"):
        service_access(network, services, residents.drop(columns="population"), seasons=["summer"])
    dup = services.assign(service_id=["S1", "S1", "H"])
    with pytest.raises(AnalysisError, match="duplicate"):
        service_access(network, dup, residents, seasons=["summer"])
    with pytest.raises(Exception, match="unknown season"):
        service_access(network, services, residents, seasons=["monsoon"])
    with pytest.raises(AnalysisError, match="n_worst"):
        ServiceAccessOptions(n_worst=-1)
