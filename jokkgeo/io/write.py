"""Atomic writers for every output (GeoPackage, GeoJSON, CSV, GeoTIFF).

PROVISIONAL minimal version; the foundation work hardens it keeping signatures:
- ``write_vector(gdf, path, *, layer=None, overwrite=False)``
- ``write_gpkg_layers(layers: dict[str, GeoDataFrame], path, *, overwrite=False)``
- ``write_table(df, path, *, overwrite=False)``   (CSV, UTF-8)
- ``write_raster(array, path, *, transform, crs, nodata, overwrite=False)``
All write to a temporary file in the same folder and rename it into place, and
raise :class:`jokkgeo.errors.OutputExistsError` when the target exists and
``overwrite`` is false.
"""
