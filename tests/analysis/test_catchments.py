"""Catchments on a toy network solved by hand (times, partial edges, bands, one-way, islands).

Toy network (metres, EPSG:3006), speeds chosen for round numbers::

    D(1000,1000)
     ^   \\          B->D one-way, 36 km/h: 100 s
     |    \\         D-C 1414.2 m, SE:urban 50 km/h: 101.82 s
    A ---- B ---- C ---- E        A-B 36 km/h: 100 s; B-C 72 km/h: 50 s; C-E 18 km/h: 200 s
   (0,0) (1000,0) (2000,0) (3000,0)
                              F(10000,0) -- G(11000,0)   island, 36 km/h: 100 s

Site ``a`` at A. Travel *to* A (default): B 100 s, C 150 s, D 101.82+50+100 = 251.82 s
(D->B is against the one-way), E 350 s; F, G unreachable. *From* A: D = 200 s (via B).
"""

from __future__ import annotations

import functools
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from jokkgeo.analysis.catchments import catchments as _catchments
from jokkgeo.errors import AnalysisError, CRSError
from jokkgeo.network.graph import graph_from_lines

# The times below are solved by hand at the signed limits (speed model "signed_limits"); explicit
# profiles override this. The default operating-speed model is tested in tests/network/test_speed_model.py.
catchments = functools.partial(_catchments, profile="signed_limits")

L = shapely.LineString
P = shapely.Point
T_D_TO_A = 1414.2135623730951 / (50 / 3.6) + 50 + 100  # 251.82 s


def sites_at(*points, ids=None):
    ids = ids or [chr(ord("a") + i) for i in range(len(points))]
    return gpd.GeoDataFrame({"site_id": ids}, geometry=[P(p) for p in points], crs="EPSG:3006")


def node_minutes(res, net, x, y, col="minutes_a"):
    pos = np.flatnonzero((net.node_x == x) & (net.node_y == y))[0]
    return res.node_times[col].iloc[pos]


def assert_nested_and_valid(gdf):
    for _, group in gdf.groupby("site_id"):
        group = group.sort_values("minutes")
        geoms = [g for g in group.geometry if g is not None]
        for g in geoms:
            assert g.is_valid and not g.is_empty and g.area > 0
            assert g.geom_type in ("Polygon", "MultiPolygon")
        for small, big in zip(geoms, geoms[1:], strict=False):
            assert small.difference(big).area == pytest.approx(0.0, abs=1e-6)
            assert big.area >= small.area


def test_node_times_by_hand_to_site(toy_network):
    res = catchments(toy_network, sites_at((0, 0)), minutes=[2.5, 4, 5])
    m = lambda x, y: node_minutes(res, toy_network, x, y)  # noqa: E731
    assert m(0, 0) == pytest.approx(0.0, abs=1e-6)
    assert m(1000, 0) == pytest.approx(100 / 60)
    assert m(2000, 0) == pytest.approx(150 / 60)
    assert m(1000, 1000) == pytest.approx(T_D_TO_A / 60)  # one-way B->D forces the detour via C
    assert math.isnan(m(3000, 0))  # 350 s: beyond the longest band
    assert math.isnan(m(10000, 0)) and math.isnan(m(11000, 0))  # island: unreachable, explicit NaN
    assert res.node_times["nearest_site_id"].iloc[1] in ("a", None)


def test_node_times_by_hand_from_site(toy_network):
    res = catchments(toy_network, sites_at((0, 0)), minutes=[6], direction="from_site")
    assert node_minutes(res, toy_network, 1000, 1000) == pytest.approx(200 / 60)  # along the one-way
    assert node_minutes(res, toy_network, 3000, 0) == pytest.approx(350 / 60)


def test_partial_edges_in_band_polygons(toy_network):
    # buffer 0 and 10 m cells: the polygons follow the reached road pieces
    res = catchments(toy_network, sites_at((0, 0)), minutes=[2.5, 4, 5], buffer_m=0, cell_m=10, nearest=False)
    poly = {r.minutes: r.geometry for r in res.polygons.itertuples()}
    # 4 min = 240 s: C (150 s) + 90 s at 5 m/s = 450 m towards E
    ce = poly[4].intersection(shapely.box(2000, -20, 3100, 20))
    assert 2440 <= ce.bounds[2] <= 2460
    # ... and 90 s at 13.89 m/s = 1250 m up D-C from C, i.e. up to y = 884
    dc = poly[4].intersection(shapely.box(1010, 0, 2100, 1100))
    assert 874 <= dc.bounds[3] <= 894
    # B-D (one-way towards D): nothing within 4 min; within 5 min the last 481.8 m before D
    assert not poly[4].intersects(P(1000, 600).buffer(12))
    assert poly[5].intersects(P(1000, 600).buffer(12)) and not poly[5].intersects(P(1000, 450).buffer(12))
    # band membership of E: beyond every band
    assert not poly[5].intersects(P(3000, 0).buffer(12))
    assert_nested_and_valid(res.polygons)


def test_polygon_area_matches_buffer_by_hand():
    road = gpd.GeoDataFrame({"maxspeed": ["60"]}, geometry=[L([(0, 0), (10000, 0)])], crs="EPSG:3006")
    net = graph_from_lines(road)
    res = catchments(net, sites_at((0, 0)), minutes=[5], buffer_m=100, cell_m=10, nearest=False)
    # 5 min at 60 km/h = 5000 m of road, buffered 100 m: rectangle plus two half discs
    expected = 5000 * 200 + math.pi * 100**2
    assert res.polygons.area_m2.iloc[0] == pytest.approx(expected, rel=0.02)
    assert res.polygons.geometry.iloc[0].area == pytest.approx(res.polygons.area_m2.iloc[0])


def test_nearest_site_split_and_nesting():
    road = gpd.GeoDataFrame({"maxspeed": ["60"]}, geometry=[L([(0, 0), (10000, 0)])], crs="EPSG:3006")
    net = graph_from_lines(road)
    res = catchments(net, sites_at((0, 0), (10000, 0)), minutes=[2, 10], buffer_m=100, cell_m=10)
    near = res.nearest.set_index(["site_id", "minutes"]).geometry
    a, b = near[("a", 10)], near[("b", 10)]
    assert a.intersection(b).area == pytest.approx(0.0, abs=1e-6)
    assert a.area == pytest.approx(b.area, rel=0.01)
    assert a.bounds[2] == pytest.approx(5000, abs=110) and b.bounds[0] == pytest.approx(5000, abs=110)
    union = a.union(b)
    assert union.area == pytest.approx(10000 * 200 + math.pi * 100**2, rel=0.02)
    assert_nested_and_valid(res.nearest)
    assert_nested_and_valid(res.polygons)
    # per-site polygons overlap (each site on its own reaches 10 km)
    per = res.polygons.set_index(["site_id", "minutes"]).geometry
    assert per[("a", 10)].intersection(per[("b", 10)]).area > 0.9 * a.area


def test_site_on_island_reaches_only_its_island(toy_network):
    res = catchments(toy_network, sites_at((10000, 0), ids=["island"]), minutes=[5], buffer_m=50, cell_m=10)
    assert node_minutes(res, toy_network, 11000, 0, "minutes_island") == pytest.approx(100 / 60)
    assert math.isnan(node_minutes(res, toy_network, 0, 0, "minutes_island"))
    geom = res.polygons.geometry.iloc[0]
    assert geom.bounds[0] >= 10000 - 60 and geom.bounds[2] <= 11000 + 60


def test_site_too_far_is_an_error_naming_it(toy_network):
    with pytest.raises(AnalysisError, match=r"'kallak' \(50,000 m\).*max_snap_m"):
        catchments(toy_network, sites_at((0, -50000), ids=["kallak"]), max_snap_m=10000)


def test_empty_band_is_explicit(toy_network):
    # 2 km off-road at 30 km/h = 4 min: nothing within 2.5 min
    res = catchments(toy_network, sites_at((0, -2000)), minutes=[2.5, 6], nearest=False)
    rows = res.polygons.set_index("minutes")
    assert rows.loc[2.5, "status"] == "empty" and rows.loc[2.5, "geometry"] is None and rows.loc[2.5, "area_m2"] == 0
    assert rows.loc[6, "status"] == "ok"
    assert any("nothing reached within 2.5 min" in w for w in res.warnings)


def test_polygon_site_and_parameters(toy_network):
    area = gpd.GeoDataFrame({"site_id": ["ind"]}, geometry=[shapely.box(900, -100, 1100, 100)], crs="EPSG:3006")
    res = catchments(toy_network, area, minutes=[1], nearest=False, profile="winter", access_speed_kph=20)
    # roads crossing the polygon give access legs of 0 m
    assert (res.snaps["distance_m"] < 1e-9).any()
    assert node_minutes(res, toy_network, 1000, 0, "minutes_ind") == pytest.approx(0.0, abs=1e-6)
    p = res.params
    assert p["minutes"] == [1.0] and p["season"] == "winter" and p["access_speed_kph"] == 20
    assert p["profile"]["closed"] == ["track"] and "buffer" in p["polygon_method"]
    assert res.polygons.crs == "EPSG:3006"


def test_winter_catchments_within_summer():
    roads = gpd.GeoDataFrame(
        {"highway": ["primary", "track"], "maxspeed": ["90", None]},
        geometry=[L([(0, 0), (20000, 0)]), L([(5000, 0), (5000, 3000)])],
        crs="EPSG:3006",
    )
    net = graph_from_lines(roads)
    site = sites_at((5100, 2900))  # 100 m from the track, 2.9 km from the main road
    summer = catchments(net, site, minutes=[5, 10, 15], profile="summer")
    winter = catchments(net, site, minutes=[5, 10, 15], profile="winter")
    for (_, s), (_, w) in zip(summer.polygons.iterrows(), winter.polygons.iterrows(), strict=False):
        assert s.minutes == w.minutes
        if w.geometry is None:
            continue
        assert w.geometry.difference(s.geometry).area == pytest.approx(0.0, abs=1e-6)
        assert w.area_m2 <= s.area_m2
    s_t = summer.node_times["minutes_a"].to_numpy()
    w_t = winter.node_times["minutes_a"].to_numpy()
    both = ~np.isnan(w_t)
    assert (w_t[both] >= s_t[both] - 1e-9).all()
    assert winter.snaps["distance_m"].min() > 2800  # the track is closed: access to the main road


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"minutes": [0]}, AnalysisError, "positive"),
        ({"minutes": ["x"]}, AnalysisError, "numbers"),
        ({"direction": "both"}, AnalysisError, "to_site"),
        ({"site_id_col": "id"}, AnalysisError, "no column 'id'"),
        ({"cell_m": 0}, AnalysisError, "cell_m"),
    ],
)
def test_bad_options(toy_network, kwargs, error, match):
    with pytest.raises(error, match=match):
        catchments(toy_network, sites_at((0, 0)), **kwargs)


def test_bad_sites(toy_network):
    with pytest.raises(CRSError, match="EPSG:4326"):
        catchments(toy_network, sites_at((0, 0)).set_crs("EPSG:4326", allow_override=True))
    with pytest.raises(AnalysisError, match="duplicate site ids a"):
        catchments(toy_network, sites_at((0, 0), (1, 1), ids=["a", "a"]))


def test_inputs_not_modified(toy_network):
    sites = sites_at((0, 0))
    before = sites.copy()
    catchments(toy_network, sites, minutes=[3])
    assert sites.equals(before)


@pytest.mark.parametrize("rho", [0.5, 1.5, 4.5, 5.96])
def test_disk_dilation_paths_agree(rho):
    """Stamping the disk around sparse cells and the separable filter give the same grid."""
    from jokkgeo.analysis.catchments import _dilate, _disk_max_filter, _disk_offsets

    a = np.zeros((40, 40), np.int32)
    a[20, 20], a[5, 7], a[21, 22] = 3, 2, 1
    dy, dx = _disk_offsets(rho)
    expected = np.zeros_like(a)
    for r, c in zip(*np.nonzero(a), strict=False):
        for y, x in zip(dy, dx, strict=False):
            expected[r + y, c + x] = max(expected[r + y, c + x], a[r, c])
    assert (_disk_max_filter(a, rho) == expected).all()
    cells = np.flatnonzero(a)
    assert (_dilate(a, cells, a.ravel()[cells], rho) == expected).all()
    # the disk has radius rho cells: its cell count is close to pi rho^2
    if rho >= 4:
        assert len(dy) == pytest.approx(math.pi * rho ** 2, rel=0.1)


def _rotated_road(angle_deg, length=20000.0):
    a = math.radians(angle_deg)
    x0, y0 = 700_123.4, 7_300_456.7
    return L([(x0, y0), (x0 + length * math.cos(a), y0 + length * math.sin(a))])


def _curved_road():
    x = np.linspace(0, 20000, 801)
    return L(np.column_stack([700_000 + x, 7_300_000 + 1500 * np.sin(x / 2500) + 0.00002 * x**2]))


@pytest.mark.parametrize("cell_m", [50.0, 100.0])
@pytest.mark.parametrize("road", [0, 30, 45, 60, 17, 8, "curved"])
def test_band_area_matches_the_exact_buffer_at_any_orientation(road, cell_m):
    """Issue 12: the grid polygons were 7-12 % larger than the exact buffer on oblique roads (+11.5 %).

    One road at 72 km/h (20 m/s); the site at its start. Within 5 and 10 minutes the first 6 and 12 km
    are reached; the exact polygon is shapely's buffer (250 m) of those pieces. Default grid (50 m cells)
    and a coarser 100 m grid.
    """
    from shapely.ops import substring

    geom = _curved_road() if road == "curved" else _rotated_road(road)
    net = graph_from_lines(gpd.GeoDataFrame({"maxspeed": ["72"]}, geometry=[geom], crs="EPSG:3006"))
    start = shapely.get_coordinates(geom)[0]
    res = catchments(net, sites_at(tuple(start)), minutes=[5, 10], nearest=False, cell_m=cell_m)
    for minutes, reach_m in ((5, 6000.0), (10, 12000.0)):
        exact = substring(geom, 0, reach_m).buffer(250, quad_segs=64)
        got = res.polygons.set_index("minutes").loc[minutes]
        assert got.area_m2 == pytest.approx(exact.area, rel=0.02)
        # and in the right place: the symmetric difference is a thin rim
        assert got.geometry.symmetric_difference(exact).area < 0.08 * exact.area
    assert_nested_and_valid(res.polygons)


def _random_curved_star(seed, n_roads=7):
    """Wiggly roads of 6-11 km from one node in random directions (seeded); crossings are not junctions."""
    rng = np.random.default_rng(seed)
    x0, y0 = 712_345.6, 7_301_234.5
    roads = []
    for _ in range(n_roads):
        n = int(rng.integers(60, 110))  # 100 m steps
        heading = rng.uniform(0, 2 * math.pi) + np.cumsum(rng.normal(0, 0.12, n))
        xy = np.column_stack([np.r_[0, np.cumsum(100 * np.cos(heading))], np.r_[0, np.cumsum(100 * np.sin(heading))]])
        roads.append(L(xy + (x0, y0)))
    return (x0, y0), roads


@pytest.mark.parametrize("cell_m", [50.0, 100.0])
@pytest.mark.parametrize("seed", [3, 11])
def test_band_area_within_two_percent_on_a_random_curved_network(seed, cell_m):
    """Per band, the area is within 2 % of the exact buffer of the reached pieces on a network the method
    was not tuned on: seven random wiggly roads (72 km/h, 20 m/s) from the site's node, so within t minutes
    each road is reached for its first 1200 t metres; exact = shapely's 250 m buffer of those pieces."""
    from shapely.ops import substring

    origin, roads = _random_curved_star(seed)
    net = graph_from_lines(gpd.GeoDataFrame({"maxspeed": ["72"] * len(roads)}, geometry=roads, crs="EPSG:3006"))
    res = catchments(net, sites_at(origin), minutes=[1, 3, 6, 10], nearest=False, cell_m=cell_m)
    got = res.polygons.set_index("minutes")
    for minutes in (1, 3, 6, 10):
        pieces = [substring(r, 0, min(1200.0 * minutes, r.length)) for r in roads]
        exact = shapely.union_all([pc.buffer(250, quad_segs=64) for pc in pieces])
        assert got.loc[minutes, "area_m2"] == pytest.approx(exact.area, rel=0.02)
        assert got.loc[minutes, "geometry"].symmetric_difference(exact).area < 0.05 * exact.area
    assert_nested_and_valid(res.polygons)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"buffer_m": 1e308}, r"key 'buffer_m': got 1e\+308; allowed: at least 0 and at most 10,000"),
        ({"max_snap_m": 0}, r"key 'max_snap_m': got 0; allowed: more than 0"),
        ({"cell_m": 0.5, "buffer_m": 40}, r"key 'cell_m': got 0.5; allowed: at least 1"),
        ({"buffer_m": 5000, "cell_m": 10}, r"key 'buffer_m': 5,000 m is more than 100 cells"),
        ({"access_speed_kph": float("nan")}, r"key 'access_speed_kph'"),
    ],
)
def test_extreme_options_are_clear_errors(toy_network, kwargs, match):
    """Issue 12: --cell-m 1, --buffer-m 1e308, --max-snap-m 0 ended in "Internal error"."""
    with pytest.raises(AnalysisError, match=match):
        catchments(toy_network, sites_at((0, 0)), **kwargs)


def test_cell_too_small_for_the_extent():
    roads = gpd.GeoDataFrame({"maxspeed": ["60", "60"]}, geometry=[L([(0, 0), (20000, 0)]), L([(0, 0), (0, 20000)])],
                             crs="EPSG:3006")
    with pytest.raises(AnalysisError, match=r"key 'cell_m': 1 m is too small for a network 20 km × 20 km "
                                            r"\(404,010,000 cells; at most 100,000,000\); use cell_m of at least 3 m"):
        catchments(graph_from_lines(roads), sites_at((0, 0)), cell_m=1, buffer_m=50)


def test_result_carries_provenance(toy_network):
    from jokkgeo.results import Provenance

    res = catchments(toy_network, sites_at((0, -2000)), minutes=[2.5, 6], nearest=False)
    assert isinstance(res.provenance, Provenance)
    assert res.params == dict(res.provenance.parameters) and res.params["minutes"] == [2.5, 6.0]
    assert res.warnings == list(res.provenance.warnings) and "nothing reached within 2.5 min" in res.warnings[0]


def test_nearest_piece_grid_is_the_exact_distance_to_the_roads():
    """The per-network grid of nearest pieces: at every cell within reach of a road, its distance is shapely's
    distance from the cell centre to the roads (the pieces describe the roads exactly)."""
    from jokkgeo.analysis.catchments import _grid_origin, _nearest_piece

    _, roads = _random_curved_star(5)
    net = graph_from_lines(gpd.GeoDataFrame({"maxspeed": ["72"] * len(roads)}, geometry=roads, crs="EPSG:3006"))
    cell = 100.0
    x0, y1 = _grid_origin(net, cell, 250 + 2 * cell)
    finder = _nearest_piece(net, cell, x0, y1, cell, 250.0, build=True)
    assert finder is not None
    rows, cols = np.divmod(np.arange(finder.h * finder.w), finder.w)
    centres = shapely.points(x0 + (cols + finder.c_lo + 0.5) * cell, y1 - (rows + finder.r_lo + 0.5) * cell)
    true_m = shapely.distance(centres, shapely.MultiLineString(roads))
    got_m = np.sqrt(finder.d2) * cell
    within = true_m <= 250 + 2.2 * cell
    assert within.sum() > 1000
    np.testing.assert_allclose(got_m[within], true_m[within], rtol=0, atol=1e-6)
    assert (got_m[~within] > 250 + cell).all()  # farther cells: surely outside every band


def _grid_roads(n=4, spacing=1500.0):
    """A lattice of roads joined at its crossings (one line per block side)."""
    geoms = [L([(j * spacing, i * spacing), ((j + 1) * spacing, i * spacing)]) for i in range(n) for j in range(n - 1)]
    geoms += [L([(i * spacing, j * spacing), (i * spacing, (j + 1) * spacing)]) for i in range(n) for j in range(n - 1)]
    return gpd.GeoDataFrame({"maxspeed": ["72"] * len(geoms)}, geometry=geoms, crs="EPSG:3006")


def test_whole_network_band_is_shared_between_sites_and_equals_the_site_alone():
    """A band reaching the whole network (no road cut at its cut-off) is the same polygon for every site;
    it is kept per network and reused, and equals what each site gets computed alone on a fresh network.
    Expected independently: shapely's 250 m buffer of all roads (within 2 %)."""
    roads = _grid_roads()
    net = graph_from_lines(roads)
    sites = sites_at((0, 0), (3000, 1500), (4500, 4500))
    res = catchments(net, sites, minutes=[2, 10], nearest=False, cell_m=100.0)
    whole = res.polygons[res.polygons["minutes"] == 10].geometry.to_numpy()
    exact = shapely.union_all(roads.geometry.buffer(250, quad_segs=64).to_numpy())
    for geom in whole:
        assert geom.equals(whole[0])
        assert geom.area == pytest.approx(exact.area, rel=0.02)
    assert whole[1] is whole[0] and whole[2] is whole[0]  # kept and reused
    for i, sid in enumerate(["a", "b", "c"]):
        alone = catchments(graph_from_lines(roads), sites.iloc[[i]], minutes=[2, 10], nearest=False, cell_m=100.0)
        for minutes in (2, 10):
            got = res.polygons[(res.polygons["site_id"] == sid) & (res.polygons["minutes"] == minutes)].geometry
            want = alone.polygons[alone.polygons["minutes"] == minutes].geometry.iloc[0]
            assert got.iloc[0].symmetric_difference(want).area == pytest.approx(0.0, abs=1e-6)
    assert_nested_and_valid(res.polygons)


def test_band_cut_on_a_road_is_exact_next_to_a_shared_whole_band():
    """The short band of the second site (computed with the first site's shared longest band) is still the
    exact buffer of its reached pieces: a straight road, 20 m/s, 2 minutes = 2.4 km from the site."""
    road = L([(0, 0), (10000, 0)])
    roads = gpd.GeoDataFrame({"maxspeed": ["72"]}, geometry=[road], crs="EPSG:3006")
    net = graph_from_lines(roads)
    res = catchments(net, sites_at((0, 0), (5000, 0)), minutes=[2, 20], nearest=False, cell_m=100.0)
    got = res.polygons.set_index(["site_id", "minutes"]).geometry
    assert got[("a", 20.0)] is got[("b", 20.0)]
    for sid, piece in (("a", L([(0, 0), (2400, 0)])), ("b", L([(2600, 0), (7400, 0)]))):
        exact = piece.buffer(250, quad_segs=64)
        assert got[(sid, 2.0)].area == pytest.approx(exact.area, rel=0.02)
        assert got[(sid, 2.0)].symmetric_difference(exact).area < 0.02 * exact.area


@pytest.mark.parametrize("cell_m", [50.0, 100.0])
def test_prepared_network_grid_gives_the_same_polygons(cell_m):
    """With the per-network nearest-piece grid (prepare_catchments) every band is the polygon computed
    without it (the grid only saves the search where a site reaches a cell's nearest road whole), up to
    the points added on round ends (within 2e-4 of the area)."""
    import shapely.affinity

    from jokkgeo.analysis.catchments import prepare_catchments

    origin, roads = _random_curved_star(11)
    ox, oy = origin
    roads = roads + [shapely.affinity.translate(g, ox, oy) for g in _grid_roads(3, 2000.0).geometry]
    layer = gpd.GeoDataFrame({"maxspeed": ["72"] * len(roads)}, geometry=roads, crs="EPSG:3006")
    sites = sites_at(origin, (ox + 2000, oy + 2000), (ox + 4000, oy))
    kw = dict(minutes=[2, 4, 8], nearest=False, cell_m=cell_m)
    plain = catchments(graph_from_lines(layer), sites, **kw).polygons
    net = graph_from_lines(layer)
    prepare_catchments(net, cell_m=cell_m)
    prepared = catchments(net, sites, **kw).polygons
    assert (plain["status"] == "ok").all()
    for g1, g2 in zip(plain.geometry, prepared.geometry, strict=True):
        # the traced edge is the same; a point added on a round end may move a little less with the grid
        assert g1.symmetric_difference(g2).area < 2e-4 * g1.area
        assert g2.area == pytest.approx(g1.area, rel=2e-4)
    assert_nested_and_valid(prepared)


@pytest.mark.parametrize("road", [0, 8, 30, 45])
def test_round_buffer_ends_are_traced_on_the_true_edge(road):
    """A straight road's buffer has round ends of radius 250 m: only 2.5 cells at 100 m cells, where the
    traced chords alone cut 0.2 % off the area. The added point of each chord lies on the true edge, so
    the area is within 0.1 % of shapely's buffer; no vertex lies outside it, and none more than 6 m inside
    (the traced vertices: linear interpolation along a grid edge on the round ends)."""
    from shapely.ops import substring

    geom = _rotated_road(road)
    net = graph_from_lines(gpd.GeoDataFrame({"maxspeed": ["72"]}, geometry=[geom], crs="EPSG:3006"))
    res = catchments(net, sites_at(tuple(shapely.get_coordinates(geom)[0])), minutes=[5], nearest=False,
                     cell_m=100.0)
    piece = substring(geom, 0, 6000.0)
    exact = piece.buffer(250, quad_segs=256)
    got = res.polygons.geometry.iloc[0]
    assert got.area == pytest.approx(exact.area, rel=0.001)
    dist = shapely.distance(shapely.points(shapely.get_coordinates(got)), piece)
    assert dist.max() <= 250 + 1e-6 and dist.min() > 250 - 6
    assert (np.abs(dist - 250) < 1e-6).mean() > 0.5  # the added points and the straight sides: on the edge
