"""Read road networks from files: OSM XML (osmnx), OSM PBF (pyrosm) or a line layer.

All readers return a :class:`jokkgeo.network.arrays.RoadNetwork` in EPSG:3006
with planar EPSG:3006 lengths (one definition for every input), are not simplified
(every OSM segment keeps its own ``maxspeed``: osmnx's simplification merges tags of joined
segments into lists, whose mean is not length-weighted), and keep every connected component
(osmnx's default ``retain_all=False`` keeps only the largest one, and a site on a road island would then snap
kilometres away). Non-drivable ways (footway, cycleway, path, ...) are left
out by the speed model's class mapping and counted in the log.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jokkgeo._optional import import_optional
from jokkgeo.errors import DataSourceError
from jokkgeo.network.arrays import RoadNetwork
from jokkgeo.network.graph import graph_from_lines, graph_from_networkx
from jokkgeo.settings import WORKING_CRS

log = logging.getLogger(__name__)

OSM_XML_SUFFIXES = (".osm", ".xml")
OSM_PBF_SUFFIXES = (".pbf",)


def _exists(path: str | Path) -> Path:
    p = Path(path)
    if not p.is_file():
        raise DataSourceError(f"{p}: road file does not exist; check the path")
    return p


def graph_from_osm_xml(
    path: str | Path, *, fallback_kph: Mapping[str, float] | None = None, max_kph: float = 150.0
) -> RoadNetwork:
    """Road network from an OSM XML file through ``osmnx.graph_from_xml`` (all components kept).

    Only ways with a ``highway`` tag are roads (rivers, power lines, railways,
    ... are left out and counted in the log). The graph is projected to
    EPSG:3006 and converted once to arrays (lengths: planar EPSG:3006, see
    :func:`jokkgeo.network.graph.graph_from_networkx`); speeds come from the
    jokkgeo speed model (:mod:`jokkgeo.network.speeds`).

    Parameters
    ----------
    path
        ``.osm``/``.xml`` file.
    fallback_kph, max_kph
        Speed model options (see :func:`jokkgeo.network.speeds.assign_speeds`).
    """
    import osmnx as ox

    p = _exists(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            G = ox.graph_from_xml(p, bidirectional=False, simplify=False, retain_all=True)
    except Exception as exc:  # osmnx raises assorted errors on broken XML
        raise DataSourceError(f"{p}: cannot read as OSM XML road network ({type(exc).__name__}: {exc})") from exc
    _drop_non_roads(G, p)
    G = ox.projection.project_graph(G, to_crs=WORKING_CRS)
    return graph_from_networkx(G, fallback_kph=fallback_kph, max_kph=max_kph)


def _drop_non_roads(G: Any, path: Path) -> None:
    """Remove edges without a ``highway`` tag (rivers, power lines, railways, ...) and nodes left alone.

    ``osmnx.graph_from_xml`` turns *every* way of the file into edges; only
    ``highway=*`` ways are roads. The count goes to the log.
    """
    drop = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if d.get("highway") in (None, "", [])]
    if drop:
        G.remove_edges_from(drop)
        G.remove_nodes_from([n for n in list(G.nodes) if G.degree(n) == 0])
        log.info("%s: left out %d edge(s) of ways without a highway tag (rivers, power lines, railways, ...)",
                 path, len(drop))
    if G.number_of_edges() == 0:
        raise DataSourceError(f"{path}: no ways with a highway tag; a road network needs highway=* ways")


def graph_from_osm_pbf(
    path: str | Path, *, fallback_kph: Mapping[str, float] | None = None, max_kph: float = 150.0
) -> RoadNetwork:
    """Road network from an OSM PBF file through pyrosm's driving network (all components kept).

    Needs the optional package pyrosm (``pip install 'jokkgeo[pbf]'``).

    Parameters
    ----------
    path
        ``.pbf`` file.
    fallback_kph, max_kph
        Speed model options (see :func:`jokkgeo.network.speeds.assign_speeds`).
    """
    import osmnx as ox

    pyrosm = import_optional("pyrosm", extra="pbf", purpose="reading .osm.pbf road graphs")
    p = _exists(path)
    try:
        osm = pyrosm.OSM(str(p))
        nodes, edges = osm.get_network(network_type="driving", nodes=True)
    except Exception as exc:
        raise DataSourceError(f"{p}: cannot read as OSM PBF road network ({type(exc).__name__}: {exc})") from exc
    if edges is None or len(edges) == 0:
        raise DataSourceError(f"{p}: no drivable roads in this PBF file")
    G = osm.to_graph(nodes, edges, graph_type="networkx", osmnx_compatible=True, retain_all=True, simplify=False)
    G = ox.projection.project_graph(G, to_crs=WORKING_CRS)
    return graph_from_networkx(G, fallback_kph=fallback_kph, max_kph=max_kph)


def graph_from_osm(path: str | Path, **options: Any) -> RoadNetwork:
    """Road network from an OSM file: XML (``.osm``/``.xml``) or PBF (``.pbf``) by suffix.

    Parameters
    ----------
    path
        The OSM file.
    **options
        ``fallback_kph``, ``max_kph`` (see :func:`graph_from_osm_xml`).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in OSM_XML_SUFFIXES:
        return graph_from_osm_xml(p, **options)
    if suffix in OSM_PBF_SUFFIXES:
        return graph_from_osm_pbf(p, **options)
    raise DataSourceError(f"{p}: not an OSM file (expected .osm, .xml or .pbf)")


def read_road_network(spec: Any, **options: Any) -> RoadNetwork:
    """Road network for a catalogue layer spec: OSM sources through the graph readers, others as lines.

    Parameters
    ----------
    spec
        :class:`jokkgeo.config.layers.LayerSpec` of a roads-theme layer.
    options
        Passed to :func:`graph_from_osm` or :func:`jokkgeo.network.graph.graph_from_lines`.
    """
    path = Path(spec.source.path)
    if path.suffix.lower() in OSM_XML_SUFFIXES + OSM_PBF_SUFFIXES:
        return graph_from_osm(path, **{k: v for k, v in options.items() if k in ("fallback_kph", "max_kph")})
    from jokkgeo.io.vector import read_layer

    loaded = read_layer(spec)
    return graph_from_lines(loaded.gdf, layer_name=f"layer '{spec.id}' ({path.name})", **options)
