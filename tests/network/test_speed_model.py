"""The operating-speed model: average speeds per limit, built-up slowdown, junction delays (solved by hand)."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.sparse.csgraph import dijkstra

from jokkgeo.errors import CatalogueError
from jokkgeo.network.graph import add_lines, graph_from_lines
from jokkgeo.network.profiles import get_profile, profile_from_dict
from jokkgeo.network.speeds import OPERATING, SIGNED_LIMITS, SpeedModel, operating_speed_kph

L = shapely.LineString
TABLE = ((30.0, 30.0), (80.0, 72.0), (100.0, 85.0))


def roads(data, lines):
    return gpd.GeoDataFrame(data, geometry=[L(c) for c in lines], crs="EPSG:3006")


def model(**kw):
    base = {"operating_speed": TABLE, "built_up_max_kph": 50.0, "built_up_factor": 0.8, "junction_delay_s": 0.0}
    base.update(kw)
    return dataclasses.replace(get_profile("summer"), name="t", speed_model=SpeedModel("t", **base))


def test_operating_table_by_hand():
    # between points linear; below the first / above the last: the end point's ratio
    got = operating_speed_kph(np.array([20.0, 30.0, 90.0, 100.0, 120.0]), TABLE)
    assert got.tolist() == pytest.approx([20.0, 30.0, 78.5, 85.0, 102.0])
    assert operating_speed_kph(np.array([70.0]), ()).tolist() == [70.0]


def test_rural_roads_use_the_table_and_built_up_streets_the_factor():
    # five separate 1 km roads (no junctions)
    net = graph_from_lines(roads(
        {"highway": ["primary", "primary", "residential", "unclassified", "tertiary"],
         "maxspeed": ["90", "50", None, None, "SE:urban"]},
        [[(0, y), (1000, y)] for y in (0, 1000, 2000, 3000, 4000)]))
    prof = model()
    t = net.travel_time(prof)
    per_road = {y: t[net.arc_geom == i][0] for i, y in enumerate((0, 1000, 2000, 3000, 4000))}
    assert per_road[0] == pytest.approx(1000 / (78.5 / 3.6))  # rural 90: 78.5 km/h from the table
    assert per_road[1000] == pytest.approx(1000 / (40 / 3.6))  # signed 50: built-up, 0.8 * 50
    assert per_road[2000] == pytest.approx(1000 / (32 / 3.6))  # residential, fallback 40: built-up, 0.8 * 40
    # unclassified without a limit: fallback 50 but not built-up (no signed limit): table 30..72 at 50
    assert per_road[3000] == pytest.approx(1000 / ((30 + 20 * 42 / 50) / 3.6))
    assert per_road[4000] == pytest.approx(1000 / (40 / 3.6))  # SE:urban (50, implicit): built-up
    # the speeds behind the times, and winter factors on top of the model
    assert net.speed_kph(prof)[net.arc_geom == 0][0] == pytest.approx(78.5)
    winter = dataclasses.replace(get_profile("winter"), speed_model=prof.speed_model)
    assert net.travel_time(winter)[net.arc_geom == 0][0] == pytest.approx(1000 / (78.5 * 0.9 / 3.6))


def test_signed_limits_profile_is_the_old_behaviour():
    net = graph_from_lines(roads({"highway": ["primary", "residential"], "maxspeed": ["90", "50"]},
                                 [[(0, 0), (1000, 0)], [(1000, 0), (1000, 1000)], ]))
    t = net.travel_time("signed_limits")
    assert np.allclose(t, net.arc_length_m / (net.arc_speed_kph / 3.6))
    assert get_profile("signed_limits").speed_model == SIGNED_LIMITS and SIGNED_LIMITS.is_signed_limits
    assert get_profile("summer").speed_model == OPERATING and not OPERATING.is_signed_limits


def _cross():
    # main road W(-1000,0) - J(0,0) - E(1000,0) trunk 72; side road S(0,-1000) - J - N(0,1000) tertiary 72
    return graph_from_lines(roads(
        {"highway": ["trunk", "trunk", "tertiary", "tertiary"], "maxspeed": ["72"] * 4},
        [[(-1000, 0), (0, 0)], [(0, 0), (1000, 0)], [(0, -1000), (0, 0)], [(0, 0), (0, 1000)]]))


def _node(net, x, y):
    return int(np.flatnonzero((net.node_x == x) & (net.node_y == y))[0])


def test_junction_delay_by_hand():
    net = _cross()
    prof = model(operating_speed=(), built_up_factor=1.0, junction_delay_s=10.0)  # 72 km/h = 20 m/s: 50 s per km
    d = dijkstra(net.csr(prof), indices=[_node(net, -1000, 0), _node(net, 0, -1000)])
    w, e, s, n, j = (_node(net, *p) for p in ((-1000, 0), (1000, 0), (0, -1000), (0, 1000), (0, 0)))
    assert d[0, e] == pytest.approx(100.0)  # straight along the main road: no delay
    assert d[0, n] == pytest.approx(105.0)  # turning off the main road: half a delay
    assert d[1, w] == pytest.approx(105.0)  # turning onto it: half a delay
    assert d[1, n] == pytest.approx(110.0)  # crossing it: a whole delay
    assert d[1, j] == pytest.approx(55.0)  # ending at the junction from the side road: the entering half
    assert net.junction_share()[(net.arc_u == w) & (net.arc_v == j)].tolist() == [0.0]
    # no delay in the signed_limits profile
    assert dijkstra(net.csr("signed_limits"), indices=s)[n] == pytest.approx(100.0)


def test_junction_of_equal_streets_costs_a_whole_delay_and_a_bend_none():
    # three residential streets meet at J: no main road, every movement pays the full delay
    net = graph_from_lines(roads({"highway": ["residential"] * 3, "maxspeed": ["36"] * 3},
                                 [[(-1000, 0), (0, 0)], [(0, 0), (1000, 0)], [(0, 0), (0, 1000)]]))
    prof = model(operating_speed=(), built_up_factor=1.0, junction_delay_s=10.0)  # 36 km/h = 10 m/s
    d = dijkstra(net.csr(prof), indices=_node(net, -1000, 0))
    assert d[_node(net, 1000, 0)] == pytest.approx(210.0) and d[_node(net, 0, 1000)] == pytest.approx(210.0)
    # a node where only two segments meet (even of different classes) is no junction
    bend = graph_from_lines(roads({"highway": ["trunk", "tertiary"], "maxspeed": ["36", "36"]},
                                  [[(0, 0), (1000, 0)], [(1000, 0), (2000, 0)]]))
    assert (bend.junction_share() == 0).all()


def test_closing_a_track_in_winter_keeps_the_junction_delay():
    # a tertiary road through J with a track joining: the track makes J a junction in every season
    net = graph_from_lines(roads({"highway": ["tertiary", "secondary", "track"], "maxspeed": ["72"] * 3},
                                 [[(-1000, 0), (0, 0)], [(0, 0), (1000, 0)], [(0, 0), (0, 1000)]]))
    summer = dataclasses.replace(get_profile("summer"), speed_model=SpeedModel("d", junction_delay_s=10.0))
    winter = dataclasses.replace(get_profile("winter"), speed_model=summer.speed_model)
    a, b = _node(net, -1000, 0), _node(net, 1000, 0)
    # secondary is the main road (one segment); tertiary -> secondary: half a delay in both seasons
    assert dijkstra(net.csr(summer), indices=a)[b] == pytest.approx(100.0 + 5.0)
    assert dijkstra(net.csr(winter), indices=a)[b] == pytest.approx(50 / 0.85 + 50 / 0.85 + 5.0)


def test_adding_a_road_never_adds_a_delay_to_existing_arcs():
    # a straight two-segment road; a new road joins at its middle node
    net = graph_from_lines(roads({"highway": ["tertiary", "tertiary"], "maxspeed": ["72", "72"]},
                                 [[(-1000, 0), (0, 0)], [(0, 0), (1000, 0)]]))
    new = roads({"highway": ["unclassified"], "maxspeed": ["72"]}, [[(0, 0), (0, 1000)]])
    bigger = add_lines(net, new, label="new road")
    assert (bigger.junction_share()[: net.n_arcs] == net.junction_share()).all()
    # the new side road's arcs pay their halves at the new junction; the old road's arcs keep theirs (none)
    prof = model(operating_speed=(), built_up_factor=1.0, junction_delay_s=10.0)
    d = dijkstra(bigger.csr(prof), indices=_node(bigger, -1000, 0))
    assert d[_node(bigger, 1000, 0)] == pytest.approx(100.0)
    assert d[_node(bigger, 0, 1000)] == pytest.approx(100.0 + 5.0)
    assert dijkstra(bigger.csr(prof), indices=_node(bigger, 0, 1000))[_node(bigger, 1000, 0)] == pytest.approx(105.0)


def test_speed_model_from_a_profile_file_and_provenance():
    prof = profile_from_dict("fast", {"speed_model": {"base": "operating", "junction_delay_s": 20,
                                                      "operating_speed": {90: 72, 30: 30}}})
    assert prof.speed_model.junction_delay_s == 20.0 and prof.speed_model.operating_speed == ((30, 30), (90, 72))
    assert prof.speed_model.built_up_factor == OPERATING.built_up_factor  # not overridden: the base's
    assert profile_from_dict("old", {"speed_model": "signed_limits"}).speed_model == SIGNED_LIMITS
    assert profile_from_dict("default", {}).speed_model == OPERATING
    params = get_profile("summer").as_dict()["speed_model"]
    assert params["name"] == "operating" and params["junction_delay_s"] == OPERATING.junction_delay_s
    assert params["operating_speed"]["90"] == dict(OPERATING.operating_speed)[90.0]


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"speed_model": "fast"}, r"key 'x.speed_model': 'fast' is not a speed model; use one of: operating"),
        ({"speed_model": {"base": "fast"}}, "x.speed_model.base"),
        ({"speed_model": {"junction_delay_s": -1}}, "x.speed_model.junction_delay_s"),
        ({"speed_model": {"operating_speed": {70: 70, 90: 60}}}, "must not fall as the limit rises"),
        ({"speed_model": {"operating_speed": {}}}, "empty table"),
        ({"speed_model": {"delay": 3}}, "unknown key 'delay'"),
    ],
)
def test_speed_model_validation(data, match):
    with pytest.raises(CatalogueError, match=match):
        profile_from_dict("x", data)


def test_points_between_nodes_get_the_same_times_however_a_road_is_split():
    """The junction delays sit at the arc ends: a place on a road split into 5 arcs is reached as on 1 arc."""
    from jokkgeo.analysis.accessibility import accessibility

    side = [[(0, 0), (0, 1000)]]  # a tertiary side road joining the main road at (0, 0)
    one = roads({"highway": ["trunk", "trunk", "tertiary"], "maxspeed": ["72"] * 3},
                [[(-1000, 0), (0, 0)], [(0, 0), (5000, 0)], *side])
    many = roads({"highway": ["trunk"] * 6 + ["tertiary"], "maxspeed": ["72"] * 7},
                 [[(-1000, 0), (0, 0)], *[[(x, 0), (x + 1000, 0)] for x in range(0, 5000, 1000)], *side])
    site = gpd.GeoDataFrame({"site_id": ["s"]}, geometry=[shapely.Point(0, 1000)], crs="EPSG:3006")
    places = gpd.GeoDataFrame({"n": [1, 2]}, geometry=[shapely.Point(2500, 0), shapely.Point(-500, 0)],
                              crs="EPSG:3006")
    prof = model(operating_speed=(), built_up_factor=1.0, junction_delay_s=10.0)  # 72 km/h: 50 s per km
    for direction in ("to_site", "from_site"):
        a = accessibility(graph_from_lines(one), site, places, profile=prof, direction=direction)
        b = accessibility(graph_from_lines(many), site, places, profile=prof, direction=direction)
        # by hand: 1 km side road + turning onto/off the main road (5 s) + 2.5 km or 0.5 km along it
        expected = [(50 + 5 + 125) / 60, (50 + 5 + 25) / 60]
        assert a.places["minutes_nearest"].tolist() == pytest.approx(expected)
        assert b.places["minutes_nearest"].tolist() == pytest.approx(expected)
    # the speed model is recorded in the result's provenance parameters
    assert a.params["profile"]["speed_model"] == prof.speed_model.as_dict()
    assert a.params["profile"]["speed_model"]["junction_delay_s"] == 10.0


def test_a_pickled_network_keeps_its_junction_delays():
    """A network sent to a worker process (pickled) splits its travel times into driving and delays as before."""
    import pickle

    net = _cross()
    prof = model(operating_speed=(), built_up_factor=1.0, junction_delay_s=10.0)
    w = net.travel_time(prof)
    run, leave, enter = net.time_parts(w)
    assert (leave + enter).sum() > 0  # the cross has delays to lose
    copy = pickle.loads(pickle.dumps(net))
    w2 = copy.travel_time(prof)
    assert w2 is not w and np.array_equal(w2, w)
    for before, after in zip((run, leave, enter), copy.time_parts(w2), strict=True):
        assert np.array_equal(before, after)
