"""The one catchment workflow: the CLI and the report build the same road network."""

from __future__ import annotations

from pathlib import Path

import pytest

from jokkgeo.io.configs import read_catalogue
from jokkgeo.io.roadgraph import read_road_network
from jokkgeo.network.graph import graph_from_lines
from jokkgeo.study.store import LayerStore
from jokkgeo.workflows.catchments import road_network

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not (ROOT / "layers" / "roads.yaml").exists(), reason="default study not present")
def test_report_and_cli_share_the_osm_road_network():
    """Bug fixed: the report's catchments recipe built its network from the OSM ways read as plain lines
    (ways not split at shared nodes: 42 nodes on the default study) while ``jokkgeo catchments`` used the
    OSM graph reader (493 nodes). Both now call workflows.catchments.road_network, built once per run."""
    catalogue = read_catalogue(ROOT / "layers", root=ROOT)
    spec = catalogue["roads"]
    if spec.source.path.suffix.lower() != ".osm":
        pytest.skip("the default roads layer is not an OSM file")
    store = LayerStore(catalogue)
    net = road_network(store, "roads")
    reference = read_road_network(spec)
    assert (net.n_nodes, net.n_arcs) == (reference.n_nodes, reference.n_arcs)
    assert graph_from_lines(store.layer("roads")).n_nodes < net.n_nodes  # what the report used to build
    assert road_network(store, "roads") is net  # built once per run
    assert "roads" in store.used
