"""Access-to-services results -> map layers, tables with the planner's headers, and text (no analysis, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from jokkgeo import i18n
from jokkgeo.present.conflicts import analysis_group
from jokkgeo.render.document import MapLayer
from jokkgeo.render.styles import Graduated, LayerStyle, cmap_colors, simple_style

TIME_CMAP = "YlOrRd"
"""Colours of the residents' travel-time classes (light = near, dark red = far)."""
LOAD_RADII: tuple[float, ...] = (5.0, 8.0, 12.0)
"""Marker radius (px) of the services' load classes (small, middle, large); residents (radius 4) are drawn on top."""


def kind_label(kind: str, language: str = "sv") -> str:
    """The planner's name of a service kind (the kind itself when unknown).

    Parameters
    ----------
    kind
        A service kind (``school``, ``health_centre`` …).
    language
        ``"sv"`` or ``"en"``.
    """
    try:
        return i18n.text(f"services.kind.{kind}", language)
    except KeyError:
        return str(kind).replace("_", " ")


def season_label(season: str, language: str = "sv") -> str:
    """A season's name (``sommar``/``vinter``); other profiles as they are.

    Parameters
    ----------
    season
        A season profile name.
    language
        ``"sv"`` or ``"en"``.
    """
    try:
        return i18n.text(f"report.season.{season}", language)
    except KeyError:
        return season


def _minutes_text(value: float, language: str) -> str:
    return i18n.format_number(value, language, digits=1)


def residents_layer(result: object, *, kind: str, season: str, language: str = "sv",
                    title: str | None = None) -> MapLayer:
    """Residents coloured by their travel time to the nearest ``kind`` in ``season`` (bands of the run).

    Parameters
    ----------
    result
        A :class:`~jokkgeo.analysis.services.ServiceAccessResult`.
    kind
        The service kind shown.
    season
        The season shown.
    language
        ``"sv"`` or ``"en"``.
    title
        Layer title (default: "Restid till närmaste <kind> (<season>)").
    """
    lang = language
    res = result.residents  # type: ignore[attr-defined]
    cut = np.array(sorted(float(m) for m in result.params["minutes"]))  # type: ignore[attr-defined]
    t = res[f"minutes_{kind}_{season}"].to_numpy(dtype=float)
    band = np.searchsorted(cut, np.nan_to_num(t, nan=np.inf), side="left")
    beyond = cut[-1] + 1.0
    band_value = np.where(np.isfinite(t), np.append(cut, beyond)[np.minimum(band, len(cut))], np.nan)
    data = gpd.GeoDataFrame({
        "place": _place_names(res),
        "people": pd.to_numeric(res["population"], errors="coerce").round(1).to_numpy(),
        "minutes": np.round(t, 1),
        "band_minutes": band_value,
        "nearest": _service_names(result, res[f"nearest_{kind}_{season}"]),
    }, geometry=np.asarray(res.geometry.values, dtype=object), crs=res.crs)
    values = [*cut.tolist(), beyond]
    colors = cmap_colors(TIME_CMAP, len(values), origin="services", low=0.1, high=0.95)
    labels = [f"≤ {_minutes_text(m, lang)} min" for m in cut]
    labels.append(i18n.text("services.beyond", lang, minutes=_minutes_text(cut[-1], lang)))
    bins = tuple((a + b) / 2 for a, b in zip(values[:-1], values[1:], strict=True))
    grad = Graduated(field="band_minutes", bins=bins, colors=colors, labels=tuple(labels))
    shown = title or i18n.text("services.residents_title", lang, kind=kind_label(kind, lang),
                               season=season_label(season, lang))
    col = lambda key: i18n.text(f"services.col.{key}", lang)  # noqa: E731
    style = LayerStyle(kind="point", title=shown, color="#444444", fill_color=colors[0], weight=0.8,
                       fill_opacity=0.9, radius=4.0, graduated=grad, tooltip="place", z_order=50,
                       popup=(("place", col("place")), ("people", col("people")),
                              ("minutes", col("minutes_nearest")), ("nearest", col("nearest_service"))))
    return MapLayer(id=f"services_residents_{kind}", title=shown, group=analysis_group(lang), style=style, data=data)


def _service_names(result: object, ids: pd.Series) -> np.ndarray:
    """Service ids -> their names (the popup shows *Jokkmokks hälsocentral*, not ``jokkmokk_halsocentral``)."""
    load = result.load  # type: ignore[attr-defined]
    names = dict(zip(load["service_id"].astype(str), load["name"].astype(str), strict=True)) if len(load) else {}
    named = ids.astype(object).where(ids.isna(), ids.astype(str).map(names))
    return named.where(named.notna() | ids.isna(), ids).to_numpy(dtype=object)


def _place_names(res: gpd.GeoDataFrame) -> np.ndarray:
    for col in ("name", "locality", "settlement"):
        if col in res.columns:
            return res[col].astype(object).where(res[col].notna(), "").astype(str).to_numpy()
    return res.index.astype(str).to_numpy()


def load_classes(values: Sequence[float]) -> tuple[float, float]:
    """Two limits splitting service loads into small/middle/large (thirds of the largest load, rounded).

    Parameters
    ----------
    values
        Residents per service.

    Examples
    --------
    >>> load_classes([0, 150, 300])
    (100.0, 200.0)
    """
    top = float(np.nanmax(values)) if len(values) else 0.0
    if not np.isfinite(top) or top <= 0:
        return (1.0, 2.0)
    step = top / 3
    mag = 10 ** np.floor(np.log10(step)) if step >= 1 else 1.0
    step = max(mag, round(step / mag) * mag)
    return (float(step), float(2 * step))


def services_layers(result: object, *, kind: str, season: str, language: str = "sv",
                    after: bool = False) -> list[MapLayer]:
    """The services of ``kind`` sized by their load (residents for whom each is the nearest): three size classes.

    Parameters
    ----------
    result
        A :class:`~jokkgeo.analysis.services.ServiceAccessResult`.
    kind
        The service kind shown.
    season
        The season whose load is shown.
    language
        ``"sv"`` or ``"en"``.
    after
        Show the load after growth (``residents_after``) instead of today's.
    """
    lang = language
    load = result.load  # type: ignore[attr-defined]
    load = load[(load["kind"] == kind) & (load["season"] == season)]
    if not len(load):
        return []
    value_col = "residents_after" if after else "residents"
    shown = load.assign(load=load[value_col].round(0))
    lo, hi = load_classes(shown["load"].to_numpy(dtype=float))
    fmt = lambda v: i18n.format_number(v, lang)  # noqa: E731
    classes = ((shown["load"] < lo, f"< {fmt(lo)}"), ((shown["load"] >= lo) & (shown["load"] < hi),
                                                      f"{fmt(lo)}–{fmt(hi)}"), (shown["load"] >= hi, f"≥ {fmt(hi)}"))
    col = lambda key: i18n.text(f"services.col.{key}", lang)  # noqa: E731
    popup = (("name", col("name")), ("locality", col("locality")), ("residents", col("residents")),
             ("newcomers", col("newcomers")), ("residents_after", col("residents_after")),
             ("capacity", col("capacity")), ("per_capacity", col("per_capacity")))
    layers = []
    for i, ((mask, label), radius) in enumerate(zip(classes, LOAD_RADII, strict=True)):
        part = shown[mask.to_numpy()]
        if not len(part):
            continue
        title = i18n.text("services.load_class", lang, kind=kind_label(kind, lang).capitalize(), label=label)
        style = simple_style("point", title=title, color="#000000", fill_color="#3690c0", radius=radius,
                             weight=1.5, fill_opacity=0.85, label_field="name", tooltip="name", z_order=40 + i,
                             popup=popup)
        layers.append(MapLayer(id=f"services_load_{kind}_{i}", title=title, group=analysis_group(lang),
                               style=style, data=part.drop(columns=["kind", "season"])))
    return layers


def _headers(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    names = {}
    for c in frame.columns:
        try:
            names[c] = i18n.text(f"services.col.{c}", language)
        except KeyError:
            names[c] = c
    return frame.rename(columns=names)


def _translated_values(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    out = frame.copy()
    if "kind" in out.columns:
        out["kind"] = out["kind"].map(lambda k: kind_label(k, language))
    if "season" in out.columns:
        out["season"] = out["season"].map(lambda s: season_label(s, language))
    if "scenario" in out.columns:
        out["scenario"] = out["scenario"].map(lambda s: i18n.text(f"services.scenario.{s}", language))
    return out


def service_tables(result: object, language: str = "sv", *, headers: bool = True) -> dict[str, pd.DataFrame]:
    """The tables of a run: ``service_bands``, ``service_summary``, ``service_worst``, ``service_load``.

    With ``headers`` the columns carry the planner's headers and kinds/seasons their names
    (for CSV tables); without, the machine names (for GeoPackage layers).

    Parameters
    ----------
    result
        A :class:`~jokkgeo.analysis.services.ServiceAccessResult`.
    language
        ``"sv"`` or ``"en"``.
    headers
        Translate headers and values.
    """
    r = result
    load = pd.DataFrame(r.load.drop(columns=r.load.geometry.name))  # type: ignore[attr-defined]
    if getattr(r, "newcomers", None) is None:
        load = load.drop(columns=["newcomers", "residents_after", "per_capacity_after"])
    tables = {"service_bands": r.bands, "service_summary": r.summary,  # type: ignore[attr-defined]
              "service_worst": r.worst, "service_load": load}  # type: ignore[attr-defined]
    if not headers:
        return {k: v.copy() for k, v in tables.items()}
    return {k: _headers(_translated_values(v, language), language) for k, v in tables.items()}


def missing_kind_notes(result: object, language: str = "sv") -> list[str]:
    """One note per kind asked for that has no service in the layer.

    Parameters
    ----------
    result
        A :class:`~jokkgeo.analysis.services.ServiceAccessResult`.
    language
        ``"sv"`` or ``"en"``.
    """
    return [i18n.text("services.missing_kind", language, kind=kind_label(k, language))
            for k in result.missing_kinds]  # type: ignore[attr-defined]


def service_summary_lines(result: object, language: str = "sv", *, minutes: float | None = None) -> list[str]:
    """One line per kind and season (today): people within ``minutes`` (default: the middle band), mean, unreachable.

    Parameters
    ----------
    result
        A :class:`~jokkgeo.analysis.services.ServiceAccessResult`.
    language
        ``"sv"`` or ``"en"``.
    minutes
        The band reported (a cut-off of the run).
    """
    lang = language
    cuts = sorted(float(m) for m in result.params["minutes"])  # type: ignore[attr-defined]
    m = float(minutes) if minutes is not None else cuts[(len(cuts) - 1) // 2]
    bands = result.bands  # type: ignore[attr-defined]
    lines = []
    missing = set(result.missing_kinds)  # type: ignore[attr-defined]
    for row in result.summary[result.summary["scenario"] == "today"].itertuples():  # type: ignore[attr-defined]
        if row.kind in missing:
            lines.append(i18n.text("services.cli.missing", lang, kind=kind_label(row.kind, lang)))
            continue
        b = bands[(bands["kind"] == row.kind) & (bands["season"] == row.season) & (bands["scenario"] == "today")
                  & (bands["minutes"] == m)]
        within = float(b["people_within"].iloc[0]) if len(b) else float("nan")
        share = within / row.people if row.people else float("nan")
        lines.append(i18n.text(
            "services.cli.line", lang, kind=kind_label(row.kind, lang), season=season_label(row.season, lang),
            within=i18n.format_number(within, lang), people=i18n.format_number(row.people, lang),
            share=f"{i18n.format_number(100 * share, lang)} %", minutes=_minutes_text(m, lang),
            mean=_minutes_text(row.mean_minutes, lang), unreachable=i18n.format_number(row.people_unreachable, lang)))
    return lines


__all__ = ["LOAD_RADII", "TIME_CMAP", "kind_label", "load_classes", "missing_kind_notes", "residents_layer",
           "season_label", "service_tables", "services_layers", "service_summary_lines"]
