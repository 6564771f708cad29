"""OpenStreetMap features (roads, rail, places) from OSM XML (``.osm``/``.xml``) or PBF.

Read through GDAL's OSM driver (via pyogrio): one compiled reader for both XML and
PBF, no network. (Road *graphs* are built in :mod:`jokkgeo.io.roadgraph`.)

Kinds (the layer spec's ``source.layer``):

``roads``
    ``highway=*`` ways as LineStrings; columns ``osmid, highway, ref, name, maxspeed,
    surface, oneway`` (text, as tagged in OSM; ``maxspeed`` is parsed later by the
    speed model).
``rail``
    ``railway`` in :data:`RAIL_VALUES` ways as LineStrings; columns ``osmid, railway,
    name, usage, service, electrified, gauge, maxspeed``.
``places``
    ``place`` in :data:`PLACE_VALUES` nodes as Points; columns ``osmid, name, place,
    population`` (population as a number where the tag is numeric, else missing).

The result is in EPSG:4326 (OSM's CRS); :func:`jokkgeo.io.vector.read_vector` checks
and reprojects it to EPSG:3006.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from jokkgeo.errors import DataLayerError, DataSourceError

log = logging.getLogger(__name__)

OSM_SUFFIXES = (".osm", ".xml", ".pbf")
OSM_KINDS = ("roads", "rail", "places")
RAIL_VALUES = ("rail", "light_rail", "narrow_gauge", "preserved", "disused", "construction")
PLACE_VALUES = (
    "city",
    "town",
    "village",
    "hamlet",
    "isolated_dwelling",
    "locality",
    "suburb",
    "quarter",
    "neighbourhood",
    "farm",
)
_COLUMNS = {
    "roads": ("osmid", "highway", "ref", "name", "maxspeed", "surface", "oneway"),
    "rail": ("osmid", "railway", "name", "usage", "service", "electrified", "gauge", "maxspeed"),
    "places": ("osmid", "name", "place", "population"),
}


def _hstore_value(other_tags: pd.Series, key: str) -> pd.Series:
    """Extract one key from GDAL's ``other_tags`` hstore text (``"k"=>"v","k2"=>"v2"``)."""
    pattern = r'(?:^|,)"' + re.escape(key) + r'"=>"((?:[^"\\]|\\.)*)"'
    values = other_tags.astype("string").str.extract(pattern, expand=False)
    return values.str.replace(r'\\(.)', r"\1", regex=True)


def read_osm_features(path: str | Path, kind: str) -> gpd.GeoDataFrame:
    """Read roads, rail or places from an OSM XML or PBF file.

    Parameters
    ----------
    path
        ``.osm``, ``.xml`` (OSM XML) or ``.pbf`` file.
    kind
        ``"roads"``, ``"rail"`` or ``"places"``.

    Returns
    -------
    GeoDataFrame
        EPSG:4326, columns as listed in the module docstring, index 0..n-1.
    """
    import pyogrio
    from pyogrio.errors import DataLayerError as OgrLayerError
    from pyogrio.errors import DataSourceError as OgrSourceError

    path = Path(path)
    if kind not in OSM_KINDS:
        raise DataLayerError(f"{path}: OSM layer '{kind}' is not known; use one of: {', '.join(OSM_KINDS)}")
    if path.suffix.lower() not in OSM_SUFFIXES:
        raise DataSourceError(f"{path}: OSM data must be .osm/.xml (OSM XML) or .pbf")
    if not path.is_file():
        raise DataSourceError(f"{path}: file does not exist")
    if kind == "places":
        ogr_layer, where = "points", "place IS NOT NULL"
    elif kind == "roads":
        ogr_layer, where = "lines", "highway IS NOT NULL"
    else:
        ogr_layer, where = "lines", "railway IS NOT NULL"
    try:
        gdf = pyogrio.read_dataframe(path, layer=ogr_layer, where=where)
    except (OgrSourceError, OgrLayerError, RuntimeError) as exc:
        raise DataSourceError(f"{path}: cannot be read as OpenStreetMap data ({exc})") from None
    gdf = gdf.reset_index(drop=True)
    tags = gdf["other_tags"] if "other_tags" in gdf else pd.Series(pd.NA, index=gdf.index, dtype="string")
    out = pd.DataFrame(index=gdf.index)
    out["osmid"] = pd.to_numeric(gdf["osm_id"], errors="coerce").astype("Int64")
    for column in _COLUMNS[kind][1:]:
        if column in gdf.columns:
            out[column] = gdf[column].astype("string")
        else:
            out[column] = _hstore_value(tags, column)
    if kind == "rail":
        keep = out["railway"].isin(RAIL_VALUES).to_numpy(dtype=bool, na_value=False)
    elif kind == "places":
        keep = out["place"].isin(PLACE_VALUES).to_numpy(dtype=bool, na_value=False)
        out["population"] = pd.to_numeric(out["population"].str.replace(r"\s", "", regex=True), errors="coerce")
    else:
        keep = slice(None)
    result = gpd.GeoDataFrame(out, geometry=gdf.geometry.values, crs=gdf.crs or "EPSG:4326")
    result = result.loc[keep].reset_index(drop=True)
    log.info("%s: read %d OSM %s", path, len(result), kind)
    return result
