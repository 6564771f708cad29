"""jokkgeo: spatial site analysis for Jokkmokk municipality.

The documented library calls are re-exported here (osmnx style) and imported lazily,
so ``import jokkgeo`` stays fast::

    import jokkgeo as jg
    net = jg.graph_from_lines(roads)                     # jokkgeo.network.graph
    res = jg.catchments(net, sites, minutes=[30, 60])    # jokkgeo.analysis.catchments
    rules = jg.load_rules()                              # jokkgeo.io.configs
    conf = jg.conflicts(layers, rules=rules)             # jokkgeo.analysis.conflicts

Sub-packages keep their own names (``jokkgeo.io``, ``jokkgeo.workflows``, ...); the
layering is described in ``docs/design.md``.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("jokkgeo")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

_EXPORTS: dict[str, str] = {
    # road networks
    "graph_from_lines": "jokkgeo.network.graph",
    "graph_from_networkx": "jokkgeo.network.graph",
    "add_lines": "jokkgeo.network.graph",
    "graph_from_osm_xml": "jokkgeo.io.roadgraph",
    "graph_from_osm_pbf": "jokkgeo.io.roadgraph",
    "graph_from_osm": "jokkgeo.io.roadgraph",
    "read_road_network": "jokkgeo.io.roadgraph",
    # analyses (pure)
    "catchments": "jokkgeo.analysis.catchments",
    "accessibility": "jokkgeo.analysis.accessibility",
    "conflicts": "jokkgeo.analysis.conflicts",
    "crossings": "jokkgeo.analysis.crossings",
    "influence_surfaces": "jokkgeo.analysis.surfaces",
    "screen_housing": "jokkgeo.analysis.screening",
    "service_access": "jokkgeo.analysis.services",
    # reading inputs and configuration
    "read_layer": "jokkgeo.io.vector",
    "load_rules": "jokkgeo.io.configs",
    "Catalogue": "jokkgeo.config.layers",
    # orchestration
    "LayerStore": "jokkgeo.study.store",
    "build_report": "jokkgeo.report",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    """Import a re-exported function on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'jokkgeo' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
