"""Housing-land screening -> a map layer (no analysis, no I/O)."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd

from jokkgeo import i18n
from jokkgeo.present.conflicts import analysis_group
from jokkgeo.render.document import MapLayer
from jokkgeo.render.styles import SEVERITY_COLORS, CategoryClass, severity_style

_POPUP = (("name", "report.name"), ("locality", "report.locality"), ("dwellings", "report.dwellings"),
          ("worst_severity", "report.worst_conflict"), ("n_conflicts", "report.conflicts"),
          ("affected_sameby", "report.samebyar"), ("reindeer_distance_m", "report.distance_to_reindeer_land_m"),
          ("screening_rank", "report.rank"))


def screening_layer(table: gpd.GeoDataFrame, *, language: str, title: str | None = None, illustrative: bool = False,
                    restricted: bool = False) -> MapLayer | None:
    """Housing land coloured by its worst conflict (green: none); ``None`` without ``worst_severity``.

    Parameters
    ----------
    table
        The screening table (:class:`~jokkgeo.analysis.screening.ScreeningResult` ``table``).
    language
        ``"sv"`` or ``"en"``.
    title
        Layer title (default *Bostadsmark – värsta konflikt*).
    illustrative, restricted
        Flags of the inputs.
    """
    if "worst_severity" not in table.columns:
        return None
    lang = language
    title = title or i18n.text("report.housing_land_worst_conflict", lang)
    style = severity_style(title=title, field="worst_severity", language=lang)
    cat = style.categorical
    assert cat is not None
    cat = replace(cat, classes=(*cat.classes, CategoryClass(value="none", color=SEVERITY_COLORS["none"],
                                                            label=i18n.text("report.no_conflict", lang))))
    popup = tuple((col, i18n.text(key, lang)) for col, key in _POPUP if col in table.columns)
    style = replace(style, categorical=cat, popup=popup, tooltip="name" if "name" in table.columns else None,
                    z_order=25, fill_opacity=0.75)
    return MapLayer(id="screening", title=title, group=analysis_group(lang), style=style, data=table,
                    illustrative=illustrative, restricted=restricted)


__all__ = ["screening_layer"]
