"""Accessibility of places on the hand-solved toy network (see test_catchments.py for the figure).

To site ``a`` at A(0,0): B 100 s, C 150 s, D 251.82 s (one-way B->D), E 350 s; island F-G unreachable.
"""

from __future__ import annotations

import functools
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from jokkgeo.analysis.accessibility import accessibility as _accessibility
from jokkgeo.errors import AnalysisError, CRSError
from jokkgeo.network.graph import graph_from_lines

# The times below are solved by hand at the signed limits (speed model "signed_limits"); explicit
# profiles override this. The default operating-speed model is tested in tests/network/test_speed_model.py.
accessibility = functools.partial(_accessibility, profile="signed_limits")

L = shapely.LineString
P = shapely.Point
V_DC = 50 / 3.6  # D-C at SE:urban 50 km/h
T_D = 1414.2135623730951 / V_DC + 150


@pytest.fixture()
def site():
    return gpd.GeoDataFrame({"site_id": ["a"]}, geometry=[P(0, 0)], crs="EPSG:3006")


def places(*pts, **cols):
    return gpd.GeoDataFrame(cols, geometry=[P(p) for p in pts], crs="EPSG:3006",
                            index=[f"p{i}" for i in range(len(pts))])


def test_place_times_by_hand(toy_network, site):
    pl = places((2400, 0), (1500, 500), (1000, 500), (10500, 0), (0, 300), (1000, 1000))
    res = accessibility(toy_network, site, pl, minutes=[2.5, 4, 5])
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


def test_from_site_uses_the_one_way(toy_network, site):
    res = accessibility(toy_network, site, places((1000, 500)), minutes=[5], direction="from_site")
    assert res.places["minutes_nearest"].iloc[0] * 60 == pytest.approx(150)


def test_totals_per_band_and_scope(toy_network):
    two = gpd.GeoDataFrame({"site_id": ["a", "e"]}, geometry=[P(0, 0), P(3000, 0)], crs="EPSG:3006")
    pl = places((500, 0), (2500, 0), (1500, 0), (10500, 0), population=[10, 20, 40, 80], dwellings=[1, 2, 4, 8])
    res = accessibility(toy_network, two, pl, minutes=[1, 2, 3])
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


def test_polygon_places_area_totals(toy_network, site):
    lots = gpd.GeoDataFrame({"dwellings": [5, 7]},
                            geometry=[shapely.box(400, -50, 600, 50), shapely.box(20000, 0, 20100, 100)],
                            crs="EPSG:3006")
    res = accessibility(toy_network, site, lots, minutes=[2])
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


def test_errors(toy_network, site):
    with pytest.raises(CRSError):
        accessibility(toy_network, site, places((0, 0)).set_crs("EPSG:4326", allow_override=True))
    with pytest.raises(AnalysisError, match="GeoDataFrame"):
        accessibility(toy_network, site, np.zeros(3))
    with pytest.raises(AnalysisError, match="access_speed_kph"):
        accessibility(toy_network, site, places((0, 0)), access_speed_kph=0)


def test_node_snapping_option(toy_network, site):
    pl = places((2400, 0), (10500, 0))
    res = accessibility(toy_network, site, pl, minutes=[5], snap="node")
    # nearest node C (2000,0) at 400 m: 400 m off-road at 30 km/h + C's 150 s
    assert res.places["minutes_nearest"].iloc[0] * 60 == pytest.approx(150 + 400 / (30 / 3.6))
    assert res.places["snap_distance_m"].iloc[0] == pytest.approx(400)
    assert not res.places["reachable"].iloc[1]
    assert res.params["snap"] == "node"
    with pytest.raises(AnalysisError, match="snap must be"):
        accessibility(toy_network, site, pl, snap="vertex")


def test_added_road_never_lengthens_place_times():
    """Roads at 10 m/s: W(-2000,0)-M(0,0)-E(2000,0); added dead end E-(2000,250)-P(100,250)."""
    from jokkgeo.network.graph import add_lines

    def lines(*geoms):
        return gpd.GeoDataFrame({"highway": ["primary"] * len(geoms), "maxspeed": ["36"] * len(geoms)},
                                geometry=list(geoms), crs="EPSG:3006")

    base = graph_from_lines(lines(L([(-2000, 0), (0, 0)]), L([(0, 0), (2000, 0)])))
    net = add_lines(base, lines(L([(2000, 0), (2000, 250), (100, 250)])), connect_m=1)
    two = gpd.GeoDataFrame({"site_id": ["w", "e"]}, geometry=[P(-2000, 0), P(2000, 0)], crs="EPSG:3006")
    pl = places((0, 300), (1900, 300), (100, 300))
    v = 30 / 3.6
    before = accessibility(base, two, pl, minutes=[10]).places
    after = accessibility(net, two, pl, minutes=[10]).places
    for col in ("minutes_w", "minutes_e", "minutes_nearest"):
        assert (after[col] <= before[col] + 1e-9).all()
    # (0,300) to W: 300 m leg to M + 2 km: 236 s, also after (the new road is nearer, 111.8 m, but a dead end)
    assert after["minutes_w"]["p0"] * 60 == pytest.approx(300 / v + 200)
    # (1900,300) to W: 300 m leg + 3.9 km = 426 s (via the new road, 50 m away: 6 + 35 + 400 = 441 s)
    assert after["minutes_w"]["p1"] * 60 == pytest.approx(300 / v + 390)
    # (100,300) to E: before 36 + 190 = 226 s; after 50 m leg to the new road + 2,150 m along it = 221 s
    assert before["minutes_e"]["p2"] * 60 == pytest.approx(300 / v + 190)
    assert after["minutes_e"]["p2"] * 60 == pytest.approx(50 / v + 215)
    assert after["snap_distance_m"]["p2"] == pytest.approx(50)


@pytest.mark.parametrize(("cell_m", "index"), [(None, "grid"), (5.0, "grid"), (None, "quadtree"), (None, "tree"),
                                               (None, "auto")])
def test_fast_snap_equals_shapely_nearest(cell_m, index):
    """Snapping through the piece index (and the STR-tree beyond it, or for few places) gives the exact nearest road."""
    from jokkgeo.analysis.accessibility import SnapOptions, snap_places

    opts = SnapOptions(index=index, cell_m=cell_m)  # 5 m: small cells, many points left to the STR-tree
    rng = np.random.default_rng(3)
    n = 60
    start = rng.uniform(0, 5000, (n, 2))
    mid = start + rng.uniform(-400, 400, (n, 2))
    end = mid + rng.uniform(-600, 600, (n, 2))
    roads = gpd.GeoDataFrame({"highway": ["primary"] * n},
                             geometry=[L([tuple(a), tuple(b), tuple(c)])
                                        for a, b, c in zip(start, mid, end, strict=True)],
                             crs="EPSG:3006")
    net = graph_from_lines(roads)
    pts = rng.uniform(-3000, 8000, (3000, 2))  # some beyond the index's square (STR-tree), some too far
    geom, frac, dist = snap_places(net, pts, profile="summer", max_snap_m=2000, step_m=150, snap_options=opts)
    points = shapely.points(pts)
    d_all = shapely.distance(points[:, None], net.geometries[None, :])
    exact = d_all.min(axis=1)
    within = exact <= 2000
    assert within.sum() > 1000 and (~within).sum() > 100
    assert ((geom >= 0) == within).all()
    np.testing.assert_allclose(dist[within], exact[within], rtol=0, atol=1e-6)
    # where the nearest road is unique, the same road and the same point on it
    srt = np.sort(d_all, axis=1)
    unique = within & (srt[:, 1] - srt[:, 0] > 1e-6)
    nearest_road = d_all.argmin(axis=1)
    assert (geom[unique] == nearest_road[unique]).all()
    on_road = shapely.line_interpolate_point(net.geometries[geom[within]], frac[within], normalized=True)
    np.testing.assert_allclose(shapely.distance(points[within], on_road), exact[within], atol=1e-5)


def test_threaded_snapping_gives_the_same_snaps():
    """Snapping many places in parallel chunks (a speed-up) returns exactly what one thread gives."""
    from jokkgeo.analysis.accessibility import SnapOptions, snap_places

    rng = np.random.default_rng(5)
    n = 40
    start = rng.uniform(0, 5000, (n, 2))
    end = start + rng.uniform(-800, 800, (n, 2))
    roads = gpd.GeoDataFrame({"highway": ["primary"] * n},
                             geometry=[L([tuple(a), tuple(b)]) for a, b in zip(start, end, strict=True)],
                              crs="EPSG:3006")
    net = graph_from_lines(roads)
    pts = rng.uniform(-3000, 8000, (2001, 2))
    pts[7] = np.nan  # a place without a point
    plain = snap_places(net, pts, profile="summer", max_snap_m=1500, step_m=150,
                        snap_options=SnapOptions(index="grid", threads=1))
    threaded = snap_places(net, pts, profile="summer", max_snap_m=1500, step_m=150,
                           snap_options=SnapOptions(index="grid", threads=3, thread_min_places=1))
    assert (plain[0] >= 0).sum() > 500 and (plain[0] < 0).sum() > 100  # both reached and too-far places
    assert plain[0][7] == -1
    for a, b in zip(plain, threaded, strict=False):
        np.testing.assert_array_equal(a, b)


def test_snapping_method_does_not_depend_on_earlier_calls():
    """Issue 11: snapping switched from the STR-tree to the piece index after enough places had been
    snapped in earlier calls. "auto" now decides from the call's own inputs; the results are identical."""
    from jokkgeo.analysis import accessibility as acc_mod
    from jokkgeo.analysis.accessibility import SnapOptions, prepare_snapping, snap_places
    from jokkgeo.network.profiles import get_profile

    roads = gpd.GeoDataFrame({"highway": ["primary", "track"]},
                             geometry=[L([(0, 0), (1000, 0)]), L([(0, 500), (1000, 500)])], crs="EPSG:3006")
    net = graph_from_lines(roads)
    pts = np.column_stack([np.linspace(0, 1000, 30), np.full(30, 100.0)])  # 100 m from the primary road
    key = acc_mod._piece_tree_key(get_profile("summer"), 100.0, False, None)
    auto = SnapOptions(index_places_per_segment=20.0)  # the grid from 40 places on (2 road segments)
    results = [snap_places(net, pts, profile="summer", max_snap_m=1000, step_m=100.0, snap_options=auto)
               for _ in range(10)]
    assert key not in net._cache  # 30 places < 20 x 2 segments: the STR-tree, however many calls ran
    many = np.column_stack([np.linspace(0, 1000, 100), np.full(100, 100.0)])
    snap_places(net, many, profile="summer", max_snap_m=1000, step_m=100.0, snap_options=auto)
    assert key in net._cache  # 100 places >= 40: this call builds the grid index
    forced = snap_places(net, pts, profile="summer", max_snap_m=1000, step_m=100.0,
                         snap_options=SnapOptions(index="grid"))
    for r in results[1:] + [forced]:
        for a, b in zip(results[0], r, strict=False):
            np.testing.assert_allclose(a, b, atol=1e-9)
    np.testing.assert_allclose(results[0][2], 100.0)
    # prepare_snapping builds both indexes at once (all roads; roads no season closes)
    net2 = graph_from_lines(roads)
    prepare_snapping(net2, "summer", step_m=100.0)
    assert key in net2._cache and acc_mod._piece_tree_key(get_profile("summer"), 100.0, True, None) in net2._cache
    with pytest.raises(AnalysisError, match="key 'index'"):
        SnapOptions(index="kdtree")


def test_accessibility_options_and_provenance(toy_network, site):
    from jokkgeo.results import Provenance

    with pytest.raises(AnalysisError, match="key 'max_snap_m': got 0"):
        accessibility(toy_network, site, places((0, 0)), max_snap_m=0)
    with pytest.raises(AnalysisError, match="key 'step_m'"):
        accessibility(toy_network, site, places((0, 0)), step_m=-5)
    res = accessibility(toy_network, site, places((0, 300), (10500, 0)), minutes=[5])
    assert isinstance(res.provenance, Provenance) and res.params["snap_index"] == "auto"
    assert res.warnings == list(res.provenance.warnings) and "unreachable" in res.warnings[0]


def test_raised_leg_reports_the_leg_that_gives_the_time():
    """A place 50 m from a track and 2.9 km from the main road, with a fast off-road leg (60 km/h).

    The 2.9 km leg would be a shortcut (174 s against the track route), so the time is the route
    through the track; the place's snap distance and nearest site are those of that route (the bug:
    they were those of the 2.9 km leg, whose time had been raised to the track route).
    """
    roads = gpd.GeoDataFrame({"highway": ["primary", "primary", "track"], "maxspeed": ["90", "90", None]},
                             geometry=[L([(0, 0), (5000, 0)]), L([(5000, 0), (20000, 0)]),
                                       L([(5000, 0), (5000, 3000)])], crs="EPSG:3006")
    net = graph_from_lines(roads)
    sites = gpd.GeoDataFrame({"site_id": ["s"]}, geometry=[P(0, 0)], crs="EPSG:3006")
    res = accessibility(net, sites, places((5050, 2900), (5000, 2900)), minutes=[30], access_speed_kph=60).places
    leg_s = 50 / (60 / 3.6)
    assert res["snap_distance_m"].tolist() == pytest.approx([50, 0])
    assert res["minutes_nearest"]["p0"] == pytest.approx(res["minutes_nearest"]["p1"] + leg_s / 60)
    assert res["minutes_nearest"]["p0"] * 60 > 2900 / (60 / 3.6) + 5050 / 25  # not the shortcut
    assert res["nearest_site_id"].tolist() == ["s", "s"]


def test_grid_index_gives_the_str_tree_minutes():
    """The grid index (warm, prepared; or built by a cold call) and the STR-tree give the same minutes per place.

    A jittered lattice of bent roads (some forest tracks, closed in winter); the only allowed differences are
    places whose nearest road point is a node shared by two roads (a tie: either road is the nearest), where
    the junction model can give the two snaps different times.
    """
    from jokkgeo.analysis.accessibility import SnapOptions, prepare_snapping, snap_places

    rng = np.random.default_rng(8)
    k = 7
    node = rng.normal(0, 60, (k, k, 2)) + np.stack(np.meshgrid(np.arange(k), np.arange(k), indexing="ij"), -1) * 600
    lines = []
    for i in range(k):
        for j in range(k):
            for di, dj in ((0, 1), (1, 0)):
                if i + di < k and j + dj < k:
                    a, b = node[i, j], node[i + di, j + dj]
                    lines.append(L([tuple(a), tuple((a + b) / 2 + rng.normal(0, 40, 2)), tuple(b)]))
    roads = gpd.GeoDataFrame({"highway": rng.choice(["primary", "track", "residential"], len(lines), p=[.4, .2, .4])},
                             geometry=lines, crs="EPSG:3006")
    net = graph_from_lines(roads)
    start, end = node.reshape(-1, 2)[[0, 30]], node.reshape(-1, 2)[[0, 30]]
    xy = rng.uniform(-500, 4100, (600, 2))
    pl = gpd.GeoDataFrame({"population": np.ones(len(xy))}, geometry=shapely.points(xy), crs="EPSG:3006")
    sites = gpd.GeoDataFrame({"site_id": ["a", "b"]}, geometry=[P(*start[0]), P(*end[1])], crs="EPSG:3006")
    kw = dict(minutes=[10, 30], profile="winter", max_snap_m=3000)
    tree = accessibility(net, sites, pl, snap_options=SnapOptions(index="tree"), **kw).places
    cold = accessibility(net, sites, pl, snap_options=SnapOptions(index="grid"), **kw).places
    prepare_snapping(net, "winter")
    warm = accessibility(net, sites, pl, snap_options=SnapOptions(index="grid", threads=1), **kw).places
    g, f, _ = snap_places(net, xy, profile="winter", max_snap_m=3000, step_m=200.0,
                          snap_options=SnapOptions(index="tree"))
    at_node = (f <= 1e-9) | (f >= 1 - 1e-9)
    assert tree["reachable"].sum() > 400
    for other in (cold, warm):
        for col in ("minutes_nearest", "minutes_a", "minutes_b", "snap_distance_m"):
            a, b = tree[col].to_numpy(), other[col].to_numpy()
            assert np.array_equal(np.isnan(a), np.isnan(b))
            differ = ~np.isclose(a, b, rtol=0, atol=1e-9, equal_nan=True)
            assert not (differ & ~at_node).any(), col
            assert differ.sum() <= 0.05 * len(a)  # ties are rare


def test_auto_uses_the_prepared_index_for_few_places():
    """After prepare_snapping, "auto" snaps even a handful of places with the grid (no STR-tree is built)."""
    from jokkgeo.analysis.accessibility import SnapOptions, prepare_snapping, snap_places

    roads = gpd.GeoDataFrame({"highway": ["primary", "track"]},
                             geometry=[L([(0, 0), (1000, 0)]), L([(0, 500), (1000, 500)])], crs="EPSG:3006")
    pts = np.array([[10.0, 100.0], [990.0, 450.0]])
    auto = SnapOptions(index_places_per_segment=20.0)  # 2 places: the STR-tree unless prepared
    plain = graph_from_lines(roads)
    before = snap_places(plain, pts, profile="summer", max_snap_m=1000, step_m=100.0, snap_options=auto)
    assert any(k[0] == "strtree" for k in plain._cache if isinstance(k, tuple))
    net = graph_from_lines(roads)
    prepare_snapping(net, "summer", step_m=100.0)
    after = snap_places(net, pts, profile="summer", max_snap_m=1000, step_m=100.0, snap_options=auto)
    assert not any(k[0] == "strtree" for k in net._cache if isinstance(k, tuple))
    np.testing.assert_allclose(after[2], [100.0, 50.0])
    for a, b in zip(before, after, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-9)
