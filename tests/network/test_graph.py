"""Building RoadNetwork arrays from lines and networkx graphs; CSR; edits for scenarios."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from scipy.sparse.csgraph import dijkstra

from jokkgeo.errors import AnalysisError, CRSError, DataLayerError
from jokkgeo.network.arrays import csr_from_arcs
from jokkgeo.network.graph import add_lines, graph_from_lines, graph_from_networkx

L = shapely.LineString


def lines(geoms, crs="EPSG:3006", **cols):
    return gpd.GeoDataFrame(cols, geometry=geoms, crs=crs)


def test_csr_keeps_minimum_of_parallel_arcs():
    # two parallel arcs 0->1 (10 s and 4 s); networkx.to_scipy_sparse_array would give 14
    csr = csr_from_arcs(3, np.array([0, 0, 1, 2]), np.array([1, 1, 2, 2]), np.array([10.0, 4.0, 5.0, 1.0]))
    assert csr[0, 1] == 4.0 and csr[1, 2] == 5.0
    assert csr[2, 2] == 0  # self-loop left out
    assert dijkstra(csr, indices=0).tolist() == [0.0, 4.0, 9.0]


def test_graph_from_lines_splits_osm_style_ways_at_shared_vertices():
    # a way crossing another at a shared vertex (OSM style, not noded at ends)
    roads = lines([L([(0, 0), (1000, 0), (2000, 0)]), L([(1000, -1000), (1000, 0), (1000, 1000)])],
                  highway=["primary", "tertiary"], maxspeed=["72", "36"])
    net = graph_from_lines(roads)
    assert net.n_nodes == 5 and len(net.geometries) == 4 and net.n_arcs == 8
    centre = np.flatnonzero((net.node_x == 1000) & (net.node_y == 0))[0]
    times = dijkstra(net.csr("signed_limits"), indices=centre)
    # 1000 m at 72 km/h = 50 s east/west; 1000 m at 36 km/h = 100 s north/south
    assert sorted(times.tolist()) == pytest.approx([0, 50, 50, 100, 100])
    unsplit = graph_from_lines(roads, split_at_shared_vertices=False)
    assert unsplit.n_nodes == 4  # no junction: two separate roads


def test_graph_from_lines_oneway_tolerance_and_nvdb_columns():
    roads = lines(
        [L([(0, 0), (1000, 0)]), L([(1000.2, 0.1), (2000, 0)]), L([(2000, 0), (3000, 0)])],
        Hastighetsgrans=[36, 72, 36], Korriktning=["Med", "Mot", None], Klass=[3, 4, 9],
        Slitlager=["belagd", "grus", "grus"],
    )
    net = graph_from_lines(roads, node_tolerance_m=0.5)
    assert net.n_nodes == 4  # ends 0.22 m apart joined
    assert sorted(net.arc_class.tolist()) == ["secondary", "tertiary", "track", "track"]
    assert set(net.arc_surface.tolist()) == {"paved", "unpaved"}
    t = dijkstra(net.csr("signed_limits"), indices=0)
    # 0->1 allowed (Med), 1->2 not allowed (Mot: only 2->1)
    assert t[1] == pytest.approx(100.0) and np.isinf(t[2])
    back = dijkstra(net.csr("signed_limits"), indices=3)
    # 3->2 two-way (track 36 km/h: 100 s), 2->1 allowed (Mot, 72 km/h: 50 s), 1->0 not (Med)
    assert back[1] == pytest.approx(100 + 50, rel=1e-3) and np.isinf(back[0])


def test_graph_from_lines_refuses_wrong_crs_and_names_columns():
    with pytest.raises(CRSError, match="EPSG:4326.*to_crs"):
        graph_from_lines(lines([L([(18, 66), (19, 66)])], crs="EPSG:4326"))
    with pytest.raises(DataLayerError, match="no column 'speed'"):
        graph_from_lines(lines([L([(0, 0), (1, 0)])]), speed_col="speed")


def test_graph_from_lines_excludes_footways_and_counts_speeds():
    roads = lines([L([(0, 0), (1000, 0)]), L([(1000, 0), (2000, 0)])], highway=["residential", "footway"],
                  maxspeed=["9000", None])
    net = graph_from_lines(roads)
    assert net.n_arcs == 2 and set(net.arc_class) == {"residential"}
    assert net.speed_report.counts["fallback_invalid"] == 2  # both arcs of the road with 9000
    assert net.arc_speed_kph.tolist() == [40.0, 40.0]


def _osmnx_like_graph():
    G = nx.MultiDiGraph(crs="EPSG:3006")
    for n, (x, y) in {1: (0, 0), 2: (1000, 0), 3: (1000, 1000)}.items():
        G.add_node(n, x=x, y=y)
    g12 = L([(0, 0), (500, 10), (1000, 0)])
    G.add_edge(1, 2, 0, length=1000.2, highway="primary", maxspeed="72", geometry=g12)
    G.add_edge(2, 1, 0, length=1000.2, highway="primary", maxspeed="72", geometry=shapely.reverse(g12))
    # parallel edges 2->3: a slow and a fast one, and no geometry (straight line)
    G.add_edge(2, 3, 0, length=1000.0, highway="track", maxspeed=None)
    G.add_edge(2, 3, 1, length=1000.0, highway="trunk", maxspeed=["90", "90"])
    # an edge whose geometry is stored v->u (gets oriented)
    G.add_edge(3, 1, 0, length=1414.2, highway="residential", maxspeed="36", geometry=L([(0, 0), (1000, 1000)]))
    return G


def test_graph_from_networkx_pairs_directions_and_orients_geometry():
    net = graph_from_networkx(_osmnx_like_graph())
    assert net.n_arcs == 5 and len(net.geometries) == 4  # 1-2 and 2-1 share one geometry
    t = dijkstra(net.csr("signed_limits"), indices=1)  # node position of id 2
    assert t[2] == pytest.approx(40.0)  # the faster parallel edge (90 km/h), not the sum
    assert t[0] == pytest.approx(1000.2 / 20)
    edges = net.edges()
    e31 = edges[(edges.u == 3) & (edges.v == 1)].iloc[0]
    assert shapely.get_coordinates(e31.geometry)[0].tolist() == [1000, 1000]
    # to_networkx gives osmnx attributes back and the same shortest paths
    G2 = net.to_networkx("signed_limits")
    d = nx.single_source_dijkstra_path_length(G2, 2, weight="travel_time")
    assert d[3] == pytest.approx(40.0) and d[1] == pytest.approx(50.01)
    assert {"length", "speed_kph", "travel_time", "speed_source", "geometry"} <= set(next(iter(G2.edges(data=True)))[2])


def test_graph_from_networkx_speeds_from_graph_and_crs_check():
    G = _osmnx_like_graph()
    for *_, d in G.edges(data=True):
        d["speed_kph"] = 2000.0  # a polluted osmnx mean imputation
    net = graph_from_networkx(G, speeds="graph")
    assert net.speed_report.counts["fallback_invalid"] == 5 and net.arc_speed_kph.max() <= 150
    G.graph["crs"] = "EPSG:4326"
    with pytest.raises(CRSError, match="project_graph"):
        graph_from_networkx(G)


def test_edits_make_new_networks_and_keep_the_original():
    roads = lines([L([(0, 0), (1000, 0)]), L([(1000, 0), (2000, 0)])], maxspeed=["36", "36"])
    net = graph_from_lines(roads)
    base = net.travel_time("signed_limits").copy()
    faster = net.with_speeds(net.edges().u == 0, 72)
    assert faster.travel_time("signed_limits")[np.asarray(net.edges().u == 0)] == pytest.approx(50.0)
    assert (net.travel_time("signed_limits") == base).all()
    assert "scenario" in faster.arc_speed_source.tolist() and faster.edits
    closed = net.with_closed([0])
    assert np.isinf(closed.travel_time("signed_limits")[0])
    with pytest.raises(AnalysisError, match=r"\(0, 150\]"):
        net.with_speeds([0], 0)
    with pytest.raises(AnalysisError, match="0..3"):
        net.with_closed([7])


def test_add_lines_connects_new_road_to_existing_nodes():
    roads = lines([L([(0, 0), (1000, 0)]), L([(1000, 0), (1000, 5000)]), L([(1000, 5000), (0, 5000)])],
                  maxspeed=["36", "36", "36"])
    net = graph_from_lines(roads)
    a = np.flatnonzero((net.node_x == 0) & (net.node_y == 0))[0]
    b = np.flatnonzero((net.node_x == 0) & (net.node_y == 5000))[0]
    assert dijkstra(net.csr("signed_limits"), indices=a)[b] == pytest.approx(700.0)
    shortcut = lines([L([(10, 5), (0, 4990)])], highway=["primary"], maxspeed=["90"])
    net2 = add_lines(net, shortcut, connect_m=50)
    assert net2.n_nodes == net.n_nodes  # both ends merged into existing nodes
    t = dijkstra(net2.csr("signed_limits"), indices=a)[b]
    assert t == pytest.approx(shapely.length(shortcut.geometry[0]) / 25, rel=1e-6)
    assert net.n_arcs == 6 and net2.n_arcs == 8


# --------------------------------------------------------------- one-way conventions (issue 12)
@pytest.mark.parametrize(
    ("value", "forward", "backward"),
    [("yes", True, False), ("true", True, False), ("1", True, False), (1, True, False), (True, True, False),
     ("-1", False, True), (-1.0, False, True), ("no", True, True), ("false", True, True), ("0", True, True),
     ("B", True, True), ("b", True, True), ("FT", True, False), ("TF", False, True), ("Med", True, False),
     ("Mot", False, True), ("Med och mot", True, True), (None, True, True)],
)
def test_oneway_conventions(value, forward, backward):
    # one road (0,0)->(1000,0) at 36 km/h: 100 s where travel is allowed
    net = graph_from_lines(lines([L([(0, 0), (1000, 0)])], maxspeed=["36"], oneway=[value]))
    a = np.flatnonzero(net.node_x == 0)[0]
    b = np.flatnonzero(net.node_x == 1000)[0]
    t = dijkstra(net.csr("signed_limits"), indices=[a, b])
    assert np.isfinite(t[0, b]) == forward and np.isfinite(t[1, a]) == backward


def test_unknown_oneway_values_are_refused_with_counts():
    roads = lines([L([(0, 0), (1000, 0)]), L([(1000, 0), (2000, 0)]), L([(2000, 0), (3000, 0)])],
                  maxspeed=["36"] * 3, oneway=["maybe", "maybe", "x"])
    with pytest.raises(DataLayerError, match=r"key 'oneway': unknown one-way value\(s\) 'maybe' ×2, 'x' ×1"):
        graph_from_lines(roads, layer_name="roads.gpkg")


# ---------------------------------------------------------- lengths, simplified graphs, street counts
def test_networkx_lengths_are_planar_geometry_lengths():
    """The graph's own length attribute (osmnx: great-circle) is not used: the EPSG:3006 geometry length is."""
    G = nx.MultiDiGraph(crs="EPSG:3006")
    G.add_node(1, x=0.0, y=0.0)
    G.add_node(2, x=3000.0, y=4000.0)
    G.add_edge(1, 2, 0, length=4980.0, highway="primary", maxspeed="90")  # 0.4 % short, as on a sphere
    net = graph_from_networkx(G)
    assert net.arc_length_m.tolist() == [5000.0]
    assert net.travel_time("signed_limits")[0] == pytest.approx(5000 / 25)


def test_simplified_osmnx_graphs_are_refused_with_the_fix():
    G = _osmnx_like_graph()
    G.graph["simplified"] = True
    with pytest.raises(DataLayerError, match=r"simplify=False"):
        graph_from_networkx(G)
    G = _osmnx_like_graph()
    G.edges[2, 3, 1]["maxspeed"] = ["90", "50"]  # which piece had which limit is lost
    with pytest.raises(DataLayerError, match=r"key 'maxspeed': 1 edge\(s\) carry several speed limits"):
        graph_from_networkx(G)


def test_to_networkx_has_street_count_for_osmnx_stats():
    ox = pytest.importorskip("osmnx")
    # a T junction: B has three streets, A, C and D one each; one road is one-way (still one street)
    roads = lines([L([(0, 0), (1000, 0)]), L([(1000, 0), (2000, 0)]), L([(1000, 0), (1000, 1000)])],
                  maxspeed=["36"] * 3, oneway=["no", "yes", "no"])
    net = graph_from_lines(roads)
    G = net.to_networkx()
    counts = {(d["x"], d["y"]): d["street_count"] for _, d in G.nodes(data=True)}
    assert counts == {(0.0, 0.0): 1, (1000.0, 0.0): 3, (2000.0, 0.0): 1, (1000.0, 1000.0): 1}
    assert counts == {(G.nodes[n]["x"], G.nodes[n]["y"]): c for n, c in ox.stats.count_streets_per_node(G).items()}
    stats = ox.stats.basic_stats(G)
    assert stats["n"] == 4 and stats["streets_per_node_avg"] == pytest.approx(6 / 4)
