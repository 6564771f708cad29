"""The only package area that opens paths or URLs.

Public entry points:
- :func:`jokkgeo.io.vector.read_layer` (spec -> :class:`LoadedLayer`)
- :func:`jokkgeo.io.vector.read_vector` (path -> :class:`LoadedLayer`)
- :func:`jokkgeo.io.raster.read_raster` / :func:`jokkgeo.io.raster.write_raster` (GeoTIFF)
- :func:`jokkgeo.io.osm.read_osm_features` (OSM XML/PBF roads, rail, places)
- :mod:`jokkgeo.io.write` (atomic writers: vector, table, raster, text, bytes)
- :mod:`jokkgeo.io.inspection` (what ``jokkgeo layers check`` / ``jokkgeo inspect`` report)
Helpers: :mod:`jokkgeo.io.csvfile` (CSV geometries), :mod:`jokkgeo.io.zipsafe` (safe unzip).
"""
