"""One small dataset (4 points, EPSG:3006, Swedish names) and a writer for every supported format."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

NAMES = ["Jokkmokk", "Jåhkåmåhkke", "Gällivare Malmberget", "Porjus"]
POPULATION = [2786, 0, 8000, 400]
# SWEREF 99 TM (EPSG:3006) metres, around Jokkmokk municipality
XS = [715000.0, 716500.5, 760000.0, 690000.25]
YS = [7395000.0, 7396000.0, 7450000.0, 7440000.0]


def make_points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": NAMES, "population": POPULATION},
        geometry=shapely.points(XS, YS),
        crs="EPSG:3006",
    )


def _csv_semicolon_comma(path: Path, gdf: gpd.GeoDataFrame) -> None:
    """Swedish Excel export: ';' delimiter, decimal comma, cp1252."""
    lines = ["namn;befolkning;X;Y"]
    for name, pop, x, y in zip(gdf["name"], gdf["population"], gdf.geometry.x, gdf.geometry.y, strict=False):
        lines.append(f"{name};{pop};{str(x).replace('.', ',')};{str(y).replace('.', ',')}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def write_all_formats(gdf: gpd.GeoDataFrame, folder: Path) -> dict[str, tuple[Path, dict]]:
    """Write ``gdf`` (EPSG:3006) to each format; return name -> (path, read_vector kwargs)."""
    out: dict[str, tuple[Path, dict]] = {}
    pyogrio.write_dataframe(gdf, folder / "pts.gpkg", layer="pts")
    out["gpkg"] = (folder / "pts.gpkg", {})
    pyogrio.write_dataframe(gdf, folder / "pts.geojson", driver="GeoJSON", RFC7946=False)
    out["geojson"] = (folder / "pts.geojson", {})
    pyogrio.write_dataframe(gdf.to_crs(4326), folder / "pts_wgs84.geojson", driver="GeoJSON")
    out["geojson_wgs84"] = (folder / "pts_wgs84.geojson", {})
    shp_dir = folder / "shp"
    shp_dir.mkdir()
    pyogrio.write_dataframe(gdf, shp_dir / "pts.shp", encoding="UTF-8")  # writes pts.cpg
    out["shp"] = (shp_dir / "pts.shp", {})
    with zipfile.ZipFile(folder / "pts.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(shp_dir.iterdir()):
            zf.write(part, f"pts/{part.name}")
    out["zip"] = (folder / "pts.zip", {})
    pyogrio.write_dataframe(gdf, folder / "pts.fgb", driver="FlatGeobuf", SPATIAL_INDEX=False)
    out["fgb"] = (folder / "pts.fgb", {})
    gdf.assign(x=gdf.geometry.x, y=gdf.geometry.y).drop(columns="geometry").to_csv(folder / "pts_xy.csv", index=False)
    out["csv_xy"] = (folder / "pts_xy.csv", {"crs": "EPSG:3006"})
    wgs = gdf.to_crs(4326)
    wgs.assign(lon=wgs.geometry.x, lat=wgs.geometry.y).drop(columns="geometry").to_csv(
        folder / "pts_lonlat.csv", index=False
    )
    out["csv_lonlat"] = (folder / "pts_lonlat.csv", {})
    gdf.to_wkt().to_csv(folder / "pts_wkt.csv", index=False)
    out["csv_wkt"] = (folder / "pts_wkt.csv", {"crs": "EPSG:3006"})
    _csv_semicolon_comma(folder / "pts_excel.csv", gdf)
    out["csv_excel"] = (folder / "pts_excel.csv", {"crs": "EPSG:3006"})
    return out


