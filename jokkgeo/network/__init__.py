"""Road networks: build once as arrays, re-weight cheaply per season or scenario.

Modules:

- :mod:`jokkgeo.network.graph` — ``graph_from_lines``, ``graph_from_networkx``, ``add_lines``
  (files are read in :mod:`jokkgeo.io.roadgraph`: ``graph_from_osm_xml``, ``graph_from_osm_pbf``).
- :mod:`jokkgeo.network.arrays` — :class:`~jokkgeo.network.arrays.RoadNetwork` (nodes, arcs,
  geometries as numpy arrays; CSR matrices with the minimum weight per node pair).
- :mod:`jokkgeo.network.speeds` — speed-limit parsing, class fallbacks, ``speed_source``.
- :mod:`jokkgeo.network.profiles` — season profiles (``summer``, ``winter``) from ``seasons.yaml``.
- :mod:`jokkgeo.network.routing` — snapping sites to roads and one-call Dijkstra travel times.
"""
