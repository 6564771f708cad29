"""What a map shows, independent of how it is drawn.

A :class:`MapDocument` (title, layers in legend order, extent, caveats,
attributions) is the single input of both renderers: :func:`jokkgeo.render.web.web_map`
(folium HTML) and :func:`jokkgeo.render.static.static_figure` (matplotlib).
All geometry is in EPSG:3006 (SWEREF 99 TM); only the web renderer converts to
EPSG:4326/3857 for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np

from jokkgeo.errors import CRSError
from jokkgeo.i18n import text  # noqa: F401  (re-exported: the renderers' labels live in jokkgeo/i18n/render.py)
from jokkgeo.render.context import MapContext
from jokkgeo.render.styles import LayerStyle, layer_style
from jokkgeo.settings import WORKING_CRS


@dataclass(frozen=True)
class RasterImage:
    """A single-band raster in EPSG:3006: ``values[row, col]``, row 0 at the north edge.

    ``bounds`` is ``(xmin, ymin, xmax, ymax)`` in metres; NaN marks no data.
    """

    values: np.ndarray
    bounds: tuple[float, float, float, float]
    crs: str = WORKING_CRS

    @classmethod
    def from_transform(cls, values: np.ndarray, transform: Any, *, nodata: float | None = None,
                       crs: str = WORKING_CRS) -> RasterImage:
        """Build from a rasterio/affine ``transform`` (north-up grids only).

        Parameters
        ----------
        values
            The band, ``values[row, col]``.
        transform
            Affine transform of the grid (north up).
        nodata
            Value that marks no data (becomes NaN).
        crs
            CRS of the grid.
        """
        arr = np.asarray(values, dtype=float)
        if nodata is not None and not np.isnan(nodata):
            arr = np.where(arr == nodata, np.nan, arr)
        rows, cols = arr.shape
        xmin, ymax = transform.c, transform.f
        xmax = xmin + transform.a * cols
        ymin = ymax + transform.e * rows
        return cls(values=arr, bounds=(float(xmin), float(ymin), float(xmax), float(ymax)), crs=crs)


@dataclass
class MapLayer:
    """One layer of a map: vector data or a raster, its style and its labels.

    Parameters
    ----------
    id
        Stable identifier (layer id or ``<analysis>_<part>``).
    title
        Name in the layer control and the legend.
    group
        Heading the layer is listed under in the layer control (theme).
    style
        Resolved :class:`~jokkgeo.render.styles.LayerStyle`.
    data
        GeoDataFrame in EPSG:3006 (vector layers).
    raster
        :class:`RasterImage` (raster layers, shown as an image overlay).
    show
        Visible when the map opens.
    illustrative, restricted
        Flags shown in the legend and the caveat box.
    caveat, attribution
        Text for the caveat box and the source line.
    """

    id: str
    title: str
    group: str
    style: LayerStyle
    data: gpd.GeoDataFrame | None = None
    raster: RasterImage | None = None
    show: bool = True
    illustrative: bool = False
    restricted: bool = False
    caveat: str | None = None
    attribution: str | None = None
    licence: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.raster is None):
            raise ValueError(f"layer {self.id!r}: give exactly one of data (GeoDataFrame) or raster (RasterImage)")
        if self.data is not None:
            crs = self.data.crs
            if crs is None or not crs.equals(WORKING_CRS):
                raise CRSError(
                    f"layer {self.id!r}: map layers must be in {WORKING_CRS} (SWEREF 99 TM), got {crs}; "
                    f"use gdf.to_crs('{WORKING_CRS}')"
                )

    @property
    def is_raster(self) -> bool:
        return self.raster is not None

    def bounds(self) -> tuple[float, float, float, float] | None:
        if self.raster is not None:
            return self.raster.bounds
        assert self.data is not None
        if self.data.empty:
            return None
        b = self.data.total_bounds
        return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


@dataclass
class MapDocument:
    """Everything a map shows. Layers are listed in legend order (first on top of the legend)."""

    id: str
    title: str
    layers: list[MapLayer]
    extent: tuple[float, float, float, float] | None = None
    description: str = ""
    caveats: list[str] = field(default_factory=list)
    language: str = "sv"
    simplify_m: float = 25.0
    online_basemaps: bool = True
    context: MapContext = field(default_factory=MapContext)
    """Background layers, place labels and tile backgrounds (:mod:`jokkgeo.render.context`); not in the legend."""

    def full_extent(self, pad_fraction: float = 0.03) -> tuple[float, float, float, float]:
        """The recipe extent, or the union of layer bounds padded by ``pad_fraction``.

        Parameters
        ----------
        pad_fraction
            Padding added on every side, as a fraction of the width/height.
        """
        if self.extent is not None:
            return self.extent
        boxes = [b for b in (lay.bounds() for lay in self.layers) if b is not None]
        if not boxes:
            return (700000.0, 7300000.0, 800000.0, 7400000.0)
        arr = np.asarray(boxes)
        xmin, ymin = arr[:, 0].min(), arr[:, 1].min()
        xmax, ymax = arr[:, 2].max(), arr[:, 3].max()
        dx, dy = max(xmax - xmin, 1000.0), max(ymax - ymin, 1000.0)
        return (xmin - dx * pad_fraction, ymin - dy * pad_fraction, xmax + dx * pad_fraction, ymax + dy * pad_fraction)

    def drawing_order(self) -> list[MapLayer]:
        """Layers bottom to top: rasters, polygons, lines, points.

        Within a kind by ``z_order``, then legend order reversed.
        """
        rank = {"raster": 0, "polygon": 1, "line": 2, "point": 3}
        indexed = list(enumerate(self.layers))
        indexed.sort(key=lambda p: (rank[p[1].style.kind], p[1].style.z_order, -p[0]))
        return [lay for _, lay in indexed]

    def caveat_lines(self) -> list[str]:
        """Caveat box text: document caveats, layer caveats, illustrative and restricted notes."""
        lang = self.language
        lines: list[str] = list(dict.fromkeys(self.caveats))
        for lay in self.layers:
            if lay.caveat and lay.caveat not in lines:
                lines.append(lay.caveat)
        illus = [lay.title for lay in self.layers if lay.illustrative]
        if illus:
            lines.append(f"{text('illustrative', lang)}: {', '.join(illus)}. {text('illustrative_note', lang)}.")
        restr = [lay.title for lay in self.layers if lay.restricted]
        if restr:
            lines.append(f"{text('restricted', lang)}: {', '.join(restr)}. {text('restricted_note', lang)}.")
        return lines

    def attribution_lines(self) -> list[str]:
        """Unique source attributions (with licence) in layer order."""
        out: list[str] = []
        for lay in [*self.layers, *self.context.layers]:
            if lay.attribution:
                line = lay.attribution + (f" ({lay.licence})" if lay.licence else "")
                if line not in out:
                    out.append(line)
        return out


def layer_from_spec(spec: Any, gdf: gpd.GeoDataFrame, *, language: str = "sv",
                    style_overrides: Mapping[str, Any] | None = None, show: bool = True,
                    group: str | None = None) -> MapLayer:
    """A :class:`MapLayer` from a catalogue ``LayerSpec`` and its loaded data.

    Parameters
    ----------
    spec
        The catalogue layer spec (title, theme, style, flags).
    gdf
        Its data in EPSG:3006.
    language
        ``"sv"`` or ``"en"``.
    style_overrides
        Style keys of the recipe merged over the spec's.
    show
        Visible when the map opens.
    group
        Heading in the layer control (default: the theme's label).
    """
    return MapLayer(
        id=spec.id,
        title=spec.label(language),
        group=group or theme_label(spec.theme, language),
        style=layer_style(spec, language=language, overrides=style_overrides),
        data=gdf,
        show=show,
        illustrative=bool(spec.illustrative),
        restricted=bool(spec.restricted),
        caveat=spec.caveat_text(language),
        attribution=spec.attribution,
        licence=spec.licence,
    )


THEME_LABELS: dict[str, tuple[str, str]] = {
    "boundary": ("Gränser", "Boundaries"),
    "settlements": ("Orter", "Settlements"),
    "population": ("Befolkning", "Population"),
    "roads": ("Vägar", "Roads"),
    "rail": ("Järnväg", "Rail"),
    "power": ("Kraftledningar", "Power lines"),
    "hydropower": ("Vattenkraft", "Hydropower"),
    "investment_sites": ("Investeringar", "Investment sites"),
    "reindeer_herding": ("Rennäring", "Reindeer herding"),
    "protected_areas": ("Skyddade områden", "Protected areas"),
    "housing_land": ("Bostadsmark", "Housing land"),
    "context": ("Bakgrund", "Background"),
    "other": ("Övrigt", "Other"),
    "analysis": ("Analys", "Analysis"),
}


def theme_label(theme: str, language: str = "sv") -> str:
    """The planner-facing name of a layer theme (the theme id itself when unknown).

    Parameters
    ----------
    theme
        Theme id (``roads``, ``reindeer`` …).
    language
        ``"sv"`` or ``"en"``.
    """
    sv, en = THEME_LABELS.get(theme, (theme, theme))
    return en if language == "en" else sv
