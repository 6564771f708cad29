"""The only package area that opens paths or URLs.

Public entry points:
- :func:`jokkgeo.io.vector.read_layer` (spec -> :class:`LoadedLayer`)
- :func:`jokkgeo.io.vector.read_vector` (path -> :class:`LoadedLayer`)
- :mod:`jokkgeo.io.write` (atomic writers)
"""
