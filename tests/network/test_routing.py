"""Site access on a network with an added road (hand-solved), and adding roads never lengthens a trip.

Toy network (metres, EPSG:3006), all roads 36 km/h = 10 m/s, access legs 30 km/h::

                 P(100,250) ------------------------- (2000,250)
       site (0,300)                                       |      new dead-end road from E
    W(-2000,0) ---------------- M(0,0) ---------------- E(2000,0)

Before: the site's nearest road is at M (300 m, 36 s). To the site: M 36 s, W and E 236 s.
The new road comes within 111.80 m of the site (at its dead end P). Keeping the old access,
E improves to 215 s (2,150 m along the new road) + 13.42 s (111.80 m leg) = 228.42 s,
P is 13.42 s, and nothing else changes. Snapping only to the nearest road (the new one) would
make M 200 + 228.42 = 428.42 s.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy import sparse

from jokkgeo.network.arrays import MIN_TRAVEL_TIME_S
from jokkgeo.network.graph import add_lines, graph_from_lines
from jokkgeo.network.routing import node_travel_times, snap_sites

L = shapely.LineString
V = 30 / 3.6
LEG_P = float(np.hypot(100, 50))


def lines(*geoms, maxspeed="36"):
    return gpd.GeoDataFrame({"highway": ["primary"] * len(geoms), "maxspeed": [maxspeed] * len(geoms)},
                            geometry=list(geoms), crs="EPSG:3006")


BASE = lines(L([(-2000, 0), (0, 0)]), L([(0, 0), (2000, 0)]))
NEW = lines(L([(2000, 0), (2000, 250), (100, 250)]))
SITE = np.array([shapely.Point(0, 300)], dtype=object)


def times(net, direction="to_site", profile="signed_limits"):
    snaps = snap_sites(net, SITE, ("s",), profile=profile, max_snap_m=5000, access_speed_kph=30)
    t, _ = node_travel_times(net, snaps, profile=profile, direction=direction)
    return {(float(x), float(y)): float(v) for x, y, v in zip(net.node_x, net.node_y, t[0], strict=False)}


@pytest.mark.parametrize("direction", ["to_site", "from_site"])
def test_added_dead_end_road_keeps_the_old_access(direction):
    base = graph_from_lines(BASE)
    before = times(base, direction)
    assert before[(0.0, 0.0)] == pytest.approx(300 / V)
    assert before[(-2000.0, 0.0)] == pytest.approx(200 + 300 / V)
    assert before[(2000.0, 0.0)] == pytest.approx(200 + 300 / V)
    net = add_lines(base, NEW, connect_m=1)
    assert net.geometry_generation().tolist() == [0, 0, 1]
    after = times(net, direction)
    for node, t in before.items():
        assert after[node] <= t + 1e-9  # no trip gets longer
    assert after[(0.0, 0.0)] == pytest.approx(300 / V)  # unchanged: the old access is kept
    assert after[(-2000.0, 0.0)] == pytest.approx(200 + 300 / V)
    assert after[(2000.0, 0.0)] == pytest.approx(215 + LEG_P / V)  # 228.42 s via the new road
    assert after[(100.0, 250.0)] == pytest.approx(LEG_P / V)
    snaps = snap_sites(net, SITE, ("s",), profile="signed_limits", max_snap_m=5000, access_speed_kph=30).table
    assert sorted(snaps["distance_m"].round(2).unique().tolist()) == [round(LEG_P, 2), 300.0]


def test_network_built_in_one_go_snaps_to_the_nearest_road_only():
    # documented behaviour: without the history of an added layer there is no "old access"
    net = graph_from_lines(lines(*BASE.geometry, *NEW.geometry))
    t = times(net)
    assert t[(0.0, 0.0)] == pytest.approx(200 + 215 + LEG_P / V)  # 428.42 s


def test_adding_random_roads_never_lengthens_a_trip():
    rng = np.random.default_rng(7)
    xs = np.arange(0, 5000, 500.0)
    grid = ([L([(x, y), (x + 500, y)]) for x in xs[:-1] for y in xs]
            + [L([(x, y), (x, y + 500)]) for x in xs for y in xs[:-1]])
    keep = rng.random(len(grid)) > 0.25
    roads = gpd.GeoDataFrame({"highway": rng.choice(["primary", "residential", "track"], len(grid)),
                              "oneway": rng.choice(["no", "no", "yes"], len(grid))},
                             geometry=grid, crs="EPSG:3006")[keep]
    base = graph_from_lines(roads)
    sites = np.array(shapely.points(rng.uniform(0, 4500, (6, 2))), dtype=object)
    ids = tuple(f"s{i}" for i in range(6))
    net = base
    site_xy = shapely.get_coordinates(sites)
    for layer in range(3):  # three successive road layers: dead ends from existing nodes ending near sites
        start = rng.integers(0, base.n_nodes, 8)
        x0, y0 = base.node_x[start], base.node_y[start]
        ends = site_xy[rng.integers(0, 6, 8)] + rng.uniform(-60, 60, (8, 2))
        new = gpd.GeoDataFrame({"highway": rng.choice(["track", "residential"], 8)},
                               geometry=[L([(a, b), tuple(e)]) for a, b, e in zip(x0, y0, ends, strict=True)],
                               crs="EPSG:3006")
        bigger = add_lines(net, new, connect_m=1, label=f"layer {layer}")
        for profile in ("summer", "winter", "signed_limits"):
            for direction in ("to_site", "from_site"):
                s0 = snap_sites(net, sites, ids, profile=profile, max_snap_m=5000, access_speed_kph=30)
                s1 = snap_sites(bigger, sites, ids, profile=profile, max_snap_m=5000, access_speed_kph=30)
                t0, _ = node_travel_times(net, s0, profile=profile, direction=direction)
                t1, _ = node_travel_times(bigger, s1, profile=profile, direction=direction)
                old = t1[:, : net.n_nodes]
                assert (old <= t0 + 1e-6).all()
        net = bigger


# ------------------------------------------------------------------ access legs are never shortcuts
def _track_loop():
    """Primary P (0,0)-(10000,0) at 90 km/h (25 m/s); a forest track (30 km/h, 8.33 m/s) from (0,0) north
    to (0,1000) and east to (4000,1000). Site S=(3000,1000) lies on the track, 1000 m north of the primary.

    By road, S to the primary point (3000,0) below it: 3000 + 1000 m of track (480 s) + 3000 m of primary
    (120 s) = 600 s. The straight 1000 m leg at 30 km/h takes 120 s: a shortcut of 480 s.
    """
    roads = gpd.GeoDataFrame(
        {"highway": ["primary", "track"], "maxspeed": ["90", None]},
        geometry=[L([(0, 0), (10000, 0)]), L([(0, 0), (0, 1000), (4000, 1000)])], crs="EPSG:3006")
    return graph_from_lines(roads)


@pytest.mark.parametrize("direction", ["to_site", "from_site"])
def test_access_legs_are_not_shortcuts(direction):
    net = _track_loop()
    site = np.array([shapely.Point(3000, 1000)], dtype=object)
    e = np.flatnonzero(net.node_x == 10000)[0]
    j = np.flatnonzero((net.node_x == 0) & (net.node_y == 0))[0]
    summer = snap_sites(net, site, ("s",), profile="signed_limits", max_snap_m=5000, access_speed_kph=30,
                        direction=direction)
    t, _ = node_travel_times(net, summer, profile="signed_limits", direction=direction)
    # E: 7000 m of primary (280 s) + the 600 s road route, not 280 + 120 s over the leg
    assert t[0, e] == pytest.approx(280 + 600)
    assert t[0, j] == pytest.approx(480)
    # the leg to the primary road is kept, at the road's time
    leg = summer.table[summer.table["distance_m"] > 1].iloc[0]
    assert leg["distance_m"] == pytest.approx(1000) and leg["access_s"] == pytest.approx(600)
    # winter: the track is closed, so the leg is the only way; it still takes as long as the road route
    # with the closure lifted (primary 0.9 -> 22.5 m/s, track 0.7 -> 5.833 m/s): 133.33 + 685.71 s
    winter = snap_sites(net, site, ("s",), profile="winter_signed_limits", max_snap_m=5000, access_speed_kph=30,
                        direction=direction)
    tw, _ = node_travel_times(net, winter, profile="winter_signed_limits", direction=direction)
    assert tw[0, e] == pytest.approx(7000 / 22.5 + 3000 / 22.5 + 4000 / (30 * 0.7 / 3.6))
    assert (tw[0][np.isfinite(tw[0])] >= t[0][np.isfinite(tw[0])] - 1e-9).all()  # winter never faster


def test_access_leg_kept_where_no_road_route_exists():
    """A site on a track island: the leg to the primary is the only way out and keeps its own time."""
    roads = gpd.GeoDataFrame(
        {"highway": ["primary", "track"], "maxspeed": ["90", None]},
        geometry=[L([(0, 0), (10000, 0)]), L([(2000, 1000), (4000, 1000)])], crs="EPSG:3006")
    net = graph_from_lines(roads)
    site = np.array([shapely.Point(3000, 1000)], dtype=object)
    snaps = snap_sites(net, site, ("s",), profile="signed_limits", max_snap_m=5000, access_speed_kph=30)
    t, _ = node_travel_times(net, snaps, profile="signed_limits")
    e = np.flatnonzero(net.node_x == 10000)[0]
    assert t[0, e] == pytest.approx(1000 / (30 / 3.6) + 7000 / 25)


def _lattice(n=5, spacing=400.0):
    """A small lattice: primary and track rows, one one-way street (so times differ by direction and season)."""
    geoms, hw, oneway = [], [], []
    for i in range(n):
        for j in range(n - 1):
            geoms.append(L([(j * spacing, i * spacing), ((j + 0.5) * spacing, i * spacing + 30), ((j + 1) * spacing,
                                                                                                    i * spacing)]))
            hw.append("primary" if i % 2 == 0 else "track")
            oneway.append("yes" if (i, j) == (1, 1) else "no")
            geoms.append(L([(i * spacing, j * spacing), (i * spacing, (j + 1) * spacing)]))
            hw.append("residential")
            oneway.append("no")
    return gpd.GeoDataFrame({"highway": hw, "maxspeed": [None] * len(hw), "oneway": oneway}, geometry=geoms,
                            crs="EPSG:3006")


@pytest.mark.parametrize("profile", ["summer", "winter"])
@pytest.mark.parametrize("direction", ["to_site", "from_site"])
def test_sample_times_equal_point_times(profile, direction):
    """The cached per-network path (sample_times) gives exactly point_times' values at the sample points."""
    from jokkgeo.network.routing import point_times, sample_times

    net = graph_from_lines(_lattice())
    sites = np.array([shapely.Point(610, 420), shapely.Point(1210, 1590)], dtype=object)
    snaps = snap_sites(net, sites, ("a", "b"), profile=profile, max_snap_m=5000, access_speed_kph=30,
                       direction=direction)
    node_t, _ = node_travel_times(net, snaps, profile=profile, direction=direction, limit_s=120)
    geom, frac, _, _ = net.samples(50.0)
    w = net.travel_time(profile)
    for i in range(2):
        own = snaps.table[snaps.table["site"] == i]
        expected, _ = point_times(net, w, node_t[i], geom, frac, direction=direction, snaps=own)
        got = sample_times(net, node_t[i], profile=profile, step_m=50.0, direction=direction, snaps=own)
        assert np.array_equal(got, expected)
        assert np.isfinite(got).any() and np.isinf(got).any()  # the limit cuts some roads


def test_virtual_source_rows_match_the_per_site_builder():
    """The vectorised virtual-source matrix is the one built site by site (_csr_site_by_site)."""
    from jokkgeo.network.routing import _source_arcs, _with_sources

    net = graph_from_lines(_lattice())
    pts = np.array([shapely.Point(610, 420), shapely.Point(1210, 1590), shapely.Point(0, 0)], dtype=object)
    snaps = snap_sites(net, pts, ("a", "b", "c"), profile="summer", max_snap_m=5000, access_speed_kph=30)
    site, target, weight = _source_arcs(net, net.travel_time("summer"), snaps, "to_site")
    base = net.csr("summer", reverse=True)
    for sel in ([0, 1, 2], [2, 0], [1]):
        new = _with_sources(base, site, target, weight, np.array(sel))
        old = _csr_site_by_site(base, [target[site == i] for i in sel], [weight[site == i] for i in sel])
        assert new.shape == old.shape
        assert (new.indptr == old.indptr).all() and (new.indices == old.indices).all()
        assert (new.data == old.data).all()


def _csr_site_by_site(
    base: sparse.csr_array, targets: list[np.ndarray], weights: list[np.ndarray]
) -> sparse.csr_array:
    """Reference: the virtual-source matrix built site by site (the implementation before the vectorised one).

    The result is ``(n + k) × (n + k)``; virtual node ``i`` has position ``n + i``.
    Only row data are appended (no re-sorting of the base matrix).

    Parameters
    ----------
    base
        The ``n × n`` network matrix.
    targets
        Per virtual source, the nodes it has arcs to.
    weights
        Per virtual source, the weights of those arcs (aligned with ``targets``).
    """
    n = base.shape[0]
    k = len(targets)
    dedup_t, dedup_w = [], []
    for t, w in zip(targets, weights, strict=False):  # k is the number of sites: small
        t = np.asarray(t, dtype=np.int64)
        w = np.asarray(w, dtype=float)
        ok = np.isfinite(w)
        t, w = t[ok], w[ok]
        order = np.lexsort((w, t))
        t, w = t[order], w[order]
        keep = np.ones(len(t), dtype=bool)
        keep[1:] = t[1:] != t[:-1]  # same node twice (two snaps): keep the minimum
        dedup_t.append(t[keep])
        dedup_w.append(w[keep])
    counts = np.array([len(t) for t in dedup_t], dtype=np.int64)
    indptr = np.concatenate([base.indptr.astype(np.int64), base.indptr[-1] + np.cumsum(counts)])
    cat_t = np.concatenate(dedup_t).astype(np.int32) if k else np.zeros(0, np.int32)
    cat_w = np.concatenate(dedup_w) if k else np.zeros(0)
    indices = np.concatenate([base.indices, cat_t])
    data = np.concatenate([base.data, np.maximum(cat_w, MIN_TRAVEL_TIME_S)])
    return sparse.csr_array((data, indices, indptr), shape=(n + k, n + k))
