"""Build ``data/scenarios.gpkg``: the illustrative inputs of the default scenarios.

Re-runnable and deterministic: ``python scripts/build_scenario_data.py`` regenerates
the file (it replaces the previous version; nothing else is touched). Every layer is
**illustrative** (schematic), drawn from the approximate waypoints of the default
study (``data/src/waypoints.csv``: Kallak/Gállok after the English Wikipedia infobox,
Randijaur, Jokkmokk, Vuollerim and Murjek village centres); they are *not* project
plans. When ``data/jokkmokk.gpkg`` exists the end points are snapped onto its road and
rail features so the new lines join the networks exactly.

Layers (EPSG:3006)
------------------
``kallak_access_road``
    A new paved mine road (tertiary, 50 km/h, about 2 km) from länsväg 805 at the
    Kallak turn-off north-west into the concession area. It ends about 1 km from the
    site point, so the site keeps its access to the 805 (travel times do not change).
``kallak_rail_spur``
    An ore-transport rail spur from Kallak south-east past Jokkmokk and along the Lule
    River valley via Vuollerim to the main line (Malmbanan) at Murjek.
``jokkmokk_new_housing``
    A new housing area (120 dwellings) on the north-eastern edge of Jokkmokk.

The layer specs are ``scenarios/layers/*.yaml`` (source, licence, accuracy, caveat).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jokkgeo.io.write import write_gpkg_layers  # noqa: E402
from jokkgeo.settings import WORKING_CRS  # noqa: E402

log = logging.getLogger("build_scenario_data")

# lon, lat (WGS84) of the anchor points (from data/src/waypoints.csv, approximate)
ANCHORS = {
    "kallak": (19.117, 66.783),
    "randijaur": (19.260, 66.745),
    "murjek": (20.884, 66.486),
}
ACCESS_ROAD = [(19.150, 66.772)]  # from länsväg 805 at the Kallak turn-off ...
ACCESS_END_OFFSET_M = (800.0, 730.0)  # ... into the concession area, to a point NE of the site (m from Kallak)
RAIL_SPUR = [
    (19.117, 66.783),  # Kallak/Gállok
    (19.300, 66.735),
    (19.550, 66.665),
    (19.780, 66.585),  # south of Jokkmokk (crosses Inlandsbanan and E45)
    (20.050, 66.555),
    (20.230, 66.505),
    (20.440, 66.448),
    (20.620, 66.425),  # Vuollerim
    (20.760, 66.452),
    (20.884, 66.486),  # Murjek, on Malmbanan
]
# centre of the new housing area (lon, lat) and its size in metres
HOUSING_CENTRE = (19.865, 66.6135)
HOUSING_SIZE_M = (600.0, 350.0)
SNAP_MAX_M = 3000.0


def _to_3006(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    t = Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
    xs, ys = t.transform(*zip(*points, strict=False))
    return [(round(float(x), 1), round(float(y), 1)) for x, y in zip(xs, ys, strict=False)]


def _nearest_point(target: gpd.GeoDataFrame, point: tuple[float, float]) -> tuple[float, float] | None:
    """Nearest point on ``target`` lines within SNAP_MAX_M, else None."""
    if target.empty:
        return None
    p = Point(point)
    geoms = target.geometry.to_numpy()
    d = shapely.distance(geoms, p)
    i = int(np.argmin(d))
    if d[i] > SNAP_MAX_M:
        return None
    q = shapely.ops.nearest_points(geoms[i], p)[0]
    return (round(q.x, 1), round(q.y, 1))


def _nearest_vertex(target: gpd.GeoDataFrame, point: tuple[float, float]) -> tuple[float, float] | None:
    """Nearest line vertex (a network node) within SNAP_MAX_M, else None."""
    if target.empty:
        return None
    coords = shapely.get_coordinates(target.geometry.to_numpy())
    d = np.hypot(coords[:, 0] - point[0], coords[:, 1] - point[1])
    i = int(np.argmin(d))
    return (float(coords[i, 0]), float(coords[i, 1])) if d[i] <= SNAP_MAX_M else None


def _study_layers(study_gpkg: Path | None) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Roads and rail of the default study (through its layer specs), when they exist."""
    if study_gpkg is None or not study_gpkg.exists():
        return None, None
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.io.vector import read_layer

    layers_dir = study_gpkg.resolve().parents[1] / "layers"
    if not layers_dir.is_dir():
        return None, None
    cat = read_catalogue(layers_dir)
    out = []
    for lid in ("roads", "rail"):
        try:
            out.append(read_layer(cat[lid]).gdf)
        except Exception as exc:  # noqa: BLE001 - snapping is optional; say why it was skipped
            log.warning("cannot read layer %s for snapping (%s); using the waypoints as they are", lid, exc)
            out.append(None)
    return out[0], out[1]


def build(study_gpkg: Path | None) -> dict[str, gpd.GeoDataFrame]:
    """Return the scenario layers (snapped to the study's roads/rail when available)."""
    kx, ky = _to_3006([ANCHORS["kallak"]])[0]
    end = (kx + ACCESS_END_OFFSET_M[0], ky + ACCESS_END_OFFSET_M[1])
    start = _to_3006(ACCESS_ROAD)[0]
    access = [start, ((start[0] + end[0]) / 2 + 150.0, (start[1] + end[1]) / 2), end]
    spur = _to_3006(RAIL_SPUR)
    roads, rail = _study_layers(study_gpkg)
    if roads is not None:
        ref = roads["ref"].astype(str) if "ref" in roads.columns else pd.Series("", index=roads.index)
        lv805 = roads[ref == "805"]
        snapped = _nearest_vertex(lv805 if len(lv805) else roads, access[0])
        if snapped:
            log.info("access road start snapped to the 805 vertex %s", snapped)
            access[0] = snapped
        highway = roads["highway"].astype(str) if "highway" in roads.columns else pd.Series("", index=roads.index)
        tracks = roads[highway == "track"]
        kallak = _nearest_vertex(tracks if len(tracks) else roads, (kx, ky))
        if kallak:
            log.info("rail spur start snapped to the Kallak track end %s", kallak)
            spur[0] = kallak
    if rail is not None:
        main = rail[rail["line"].astype(str).str.contains("Malmbanan", na=False)] if "line" in rail else rail
        snapped = _nearest_point(main if len(main) else rail, spur[-1])
        if snapped:
            log.info("rail spur end snapped to Malmbanan at %s", snapped)
            spur[-1] = snapped
    cx, cy = _to_3006([HOUSING_CENTRE])[0]
    w, h = HOUSING_SIZE_M
    housing = Polygon(
        [(cx - w / 2, cy - h / 2), (cx + w / 2, cy - h / 2), (cx + w / 2 - 80, cy + h / 2), (cx - w / 2, cy + h / 2)]
    )
    note = "illustrative (schematic) scenario data, not a project plan"
    layers = {
        "kallak_access_road": gpd.GeoDataFrame(
            {
                "osmid": [-7001],
                "highway": ["tertiary"],
                "ref": [None],
                "name": ["Ny tillfartsväg Kallak (illustrativ)"],
                "maxspeed": ["50"],
                "surface": ["asphalt"],
                "oneway": [False],
                "status": ["planned"],
                "note": [note],
            },
            geometry=[LineString(access)],
            crs=WORKING_CRS,
        ),
        "kallak_rail_spur": gpd.GeoDataFrame(
            {
                "name": ["Malmbana Kallak–Murjek (illustrativ)"],
                "line": ["Kallakbanan (illustrativ)"],
                "status": ["planned"],
                "note": [note],
            },
            geometry=[LineString(spur)],
            crs=WORKING_CRS,
        ),
        "jokkmokk_new_housing": gpd.GeoDataFrame(
            {
                "area_id": ["jokkmokk_nytt_1"],
                "name": ["Nytt bostadsområde (illustrativt)"],
                "locality": ["Jokkmokk"],
                "dwellings": [120],
                "status": ["planned"],
                "note": [note],
            },
            geometry=[housing],
            crs=WORKING_CRS,
        ),
    }
    return layers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "scenarios.gpkg")
    parser.add_argument("--study", type=Path, default=ROOT / "data" / "jokkmokk.gpkg",
                        help="default study GeoPackage to snap to (skipped when absent)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("pyogrio").setLevel(logging.WARNING)
    logging.getLogger("jokkgeo").setLevel(logging.WARNING)
    layers = build(args.study)
    import pyogrio

    # pin the GeoPackage timestamps so a re-run gives the same bytes
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"})
    write_gpkg_layers(layers, args.out, overwrite=True)
    for name, gdf in layers.items():
        geom = gdf.geometry.iloc[0]
        size = f"{geom.length / 1000:.1f} km" if geom.geom_type == "LineString" else f"{geom.area / 1e4:.1f} ha"
        log.info("%s: %d feature(s), %s", name, len(gdf), size)
    log.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
