"""The only package area that opens paths or URLs.

Public entry points:
- :func:`jokkgeo.io.vector.read_layer` (spec -> :class:`LoadedLayer`)
- :func:`jokkgeo.io.vector.read_vector` (path -> :class:`LoadedLayer`)
- :func:`jokkgeo.io.raster.read_raster` / :func:`jokkgeo.io.write.write_raster` (GeoTIFF)
- :func:`jokkgeo.io.osm.read_osm_features` (OSM XML/PBF roads, rail, places)
- :mod:`jokkgeo.io.write` (atomic writers: vector, table, raster, text, bytes; ``atomic_dir`` for
  folders; ``check_output_path`` before the work; ``LayerMetadata`` carried by every output)
- :mod:`jokkgeo.io.inspection` (what ``jokkgeo layers check`` / ``jokkgeo inspect`` report)
Helpers: :mod:`jokkgeo.io.csvfile` (CSV geometries), :mod:`jokkgeo.io.zipsafe` (safe unzip),
:mod:`jokkgeo.io.sniff` (what a file really is; GDAL options that forbid network and VRT access).
Checks and guarantees: ``docs/data-input.md``.
"""
