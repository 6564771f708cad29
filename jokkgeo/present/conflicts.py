"""Conflict results -> map layers and caveat text (no analysis, no I/O)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from jokkgeo import i18n
from jokkgeo.config.styles import PopupField
from jokkgeo.render.document import MapLayer, theme_label
from jokkgeo.render.styles import LayerStyle, severity_style, simple_style

_POPUP_FIELDS = ("rule_id", "dev_label", "sens_label", "severity", "distance_m", "zoi_area_m2", "zoi_length_m",
                 "reference")


def analysis_group(language: str) -> str:
    """The legend group of analysis layers (*Analys*/*Analysis*).

    Parameters
    ----------
    language
        ``"sv"`` or ``"en"``.
    """
    return theme_label("analysis", language)


def conflict_popup(language: str) -> tuple[PopupField, ...]:
    """Popup fields of a conflict layer (labels, units and formats: :mod:`jokkgeo.i18n.popups`).

    Parameters
    ----------
    language
        ``"sv"`` or ``"en"``.
    """
    return tuple(PopupField(field=f) for f in _POPUP_FIELDS)


def _with_popup(style: LayerStyle, popup: tuple[PopupField, ...]) -> LayerStyle:
    return replace(style, popup=popup, tooltip="sens_label")


def conflict_layers(result: Any, *, language: str, title: str | None = None, illustrative: bool = False,
                    restricted: bool = False) -> list[MapLayer]:
    """Map layers of a :class:`~jokkgeo.analysis.conflicts.ConflictResult`.

    Parameters
    ----------
    result
        The conflicts result (``geometries``, ``crossings``).
    language
        ``"sv"`` or ``"en"``.
    title
        Title of the conflict areas (default *Konfliktområden*/*Conflict areas*).
    illustrative, restricted
        Flags of the inputs the result was derived from.

    Returns
    -------
    list of MapLayer
        ``conflicts_polygon``, ``conflicts_line`` (routes) and ``crossings`` when present.
    """
    lang = language
    group = analysis_group(lang)
    title = title or i18n.text("report.conflict_areas", lang)
    layers: list[MapLayer] = []
    geoms = shown_geometries(result)
    if len(geoms):
        types = geoms.geometry.geom_type.str.replace("Multi", "")
        popup = conflict_popup(lang)
        parts = (("polygon", "Polygon", ""), ("line", "LineString", i18n.text("report.routes", lang)))
        for kind, geom_type, suffix in parts:
            part = geoms[(types == geom_type).to_numpy()]
            if not len(part):
                continue
            style = _with_popup(severity_style(title=title + suffix, kind=kind, language=lang), popup)
            layers.append(MapLayer(id=f"conflicts_{kind}", title=title + suffix, group=group, style=style,
                                   data=part, illustrative=illustrative, restricted=restricted))
    if result.crossings is not None and len(result.crossings):
        cross_title = i18n.text("report.migration_route_crossings", lang)
        style = simple_style("point", title=cross_title, color="#000000", fill_color="#ffd400", radius=5.0,
                             weight=1.5, fill_opacity=1.0, z_order=40,
                             popup=(("route_label", i18n.text("report.route", lang)),
                                    ("infra_label", i18n.text("report.infrastructure", lang)),
                                    ("infra_type", i18n.text("report.type", lang))),
                             tooltip="route_label")
        layers.append(MapLayer(id="crossings", title=cross_title, group=group, style=style,
                               data=result.crossings, illustrative=illustrative, restricted=restricted))
    return layers


def shown_geometries(result: Any) -> Any:
    """The result's conflict geometries without missing or empty ones.

    Parameters
    ----------
    result
        A conflicts result (its ``geometries`` frame).
    """
    geoms = result.geometries
    if len(geoms):
        geoms = geoms[geoms.geometry.notna() & ~geoms.geometry.is_empty]
    return geoms


def citations_caveat(citations: dict[str, str], language: str) -> str | None:
    """``"Påverkanszoner enligt: <refs>"`` from a result's citations (sorted by key), or ``None``.

    Parameters
    ----------
    citations
        ``key -> reference`` of a result; ``None`` is returned when it is empty.
    language
        ``"sv"`` or ``"en"``.
    """
    if not citations:
        return None
    return i18n.text("report.zones_of_influence_from", language) + "; ".join(
        f"{v}" for _, v in sorted(citations.items()))


def skipped_rule_notes(skipped: list[tuple[str, str]], language: str) -> list[str]:
    """One note per rule that had nothing to run on.

    Parameters
    ----------
    skipped
        ``(rule_id, side)`` pairs; ``side`` is ``"development"``, ``"sensitive"`` or
        ``"development+sensitive"`` (the input(s) that were missing).
    language
        ``"sv"`` or ``"en"``.
    """
    return [i18n.text("conflicts.skipped_rule", language, rule=rule_id,
                      side=i18n.text(f"conflicts.side.{side}", language)) for rule_id, side in skipped]


__all__ = ["analysis_group", "citations_caveat", "conflict_layers", "conflict_popup", "shown_geometries",
           "skipped_rule_notes"]
