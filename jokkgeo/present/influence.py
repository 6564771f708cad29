"""Influence surfaces -> a raster map layer (no analysis, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from jokkgeo import i18n
from jokkgeo.present.conflicts import analysis_group
from jokkgeo.render.document import MapLayer, RasterImage
from jokkgeo.render.styles import raster_style

DEFAULT_BINS = (0.05, 0.25, 0.5, 0.75)
"""Class limits of the influence index (0–1) on the map."""


def influence_layer(values: np.ndarray, transform: object, nodata: float, *, bins: Sequence[float] = DEFAULT_BINS,
                    language: str, title: str | None = None, illustrative: bool = False,
                    restricted: bool = False) -> MapLayer:
    """The influence surface as an image overlay; cells below the first limit are transparent (display only).

    Parameters
    ----------
    values
        The surface (0–1).
    transform, nodata
        Its affine transform (EPSG:3006) and nodata value.
    bins
        Class limits.
    language
        ``"sv"`` or ``"en"``.
    title
        Layer title (default *Påverkan av exploatering (index 0–1)*).
    illustrative, restricted
        Flags of the inputs.
    """
    values = np.asarray(values, dtype=float)
    shown = np.where(values < bins[0], np.nan, values)
    raster = RasterImage.from_transform(shown, transform, nodata=nodata)
    title = title or i18n.text("report.influence_of_development_index_0", language)
    return MapLayer(id="influence", title=title, group=analysis_group(language),
                    style=raster_style(title=title, bins=list(bins), language=language, floor=True), raster=raster,
                    illustrative=illustrative, restricted=restricted, show=True)


__all__ = ["DEFAULT_BINS", "influence_layer"]
