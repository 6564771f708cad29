"""Popup rows in the planner's language: labels, units, formatted numbers, coded values in words.

A layer's ``style.popup`` (:class:`jokkgeo.config.styles.PopupField` entries, or ``(column,
label)`` pairs built in code) says which columns a popup shows; what is not given comes from
the defaults in :mod:`jokkgeo.i18n.popups` (labels, units, formats, value translations). With
no ``popup`` the popup shows the columns that have a default label (others humanised), without
ids, ranks and bookkeeping columns.

Rules applied to every value:

* numbers by :func:`jokkgeo.i18n.format_number` (thin-space thousands and decimal comma in
  Swedish), rounded by size; years by :func:`jokkgeo.i18n.format_year` (``2026``, no separator);
  areas in m² shown as km² from 0.1 km²; distances in m shown as km from 1 km; shares as %;
* coded values (severity, status, change, season, kind, road class, type …) in words: first the
  layer's own legend class labels (``style.categorical``), then ``popup.value.<domain>.<value>``;
  an untranslated code with underscores is written as words;
* ``site_id`` shows the site's name (``site_name``); ids (``*_id``) are left out when the row
  has its ``name``;
  ``reference`` shows the short citation of the row's ``citation``; ``<field>_assumed`` marks
  ``<field>`` as an assumption; ``<field>_source`` is labelled "<label>, källa";
* everything is HTML-escaped here (values never reach a template).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jokkgeo import i18n
from jokkgeo.config.styles import PopupField
from jokkgeo.i18n import format_number, format_year
from jokkgeo.i18n.popups import FIELD_FORMATS, FIELD_LABELS, FIELD_UNITS, HIDDEN_BY_DEFAULT, VALUE_DOMAINS

MAX_DEFAULT_FIELDS = 12
"""Fields shown at most when a layer lists no popup fields."""

_SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
_CITATION = re.compile(r"^(.{3,120}?\(\d{4}[a-z]?\))")
_NUMERIC = re.compile(r"^-?\d+(?:[.,]\d+)?$")
_REF_KEY = re.compile(r"^([a-z]+)(\d{4}[a-z]?)$", re.I)


@dataclass(frozen=True)
class ShownField:
    """A popup row as resolved for one layer: column, label (plain text), unit and format."""

    field: str
    label: str
    unit: str
    format: str


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def humanise(code: str) -> str:
    """A code written as words: ``"under_construction"`` -> ``"Under construction"``.

    Parameters
    ----------
    code
        A snake_case code.
    """
    words = str(code).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def default_label(field: str, language: str) -> str:
    """The default label of a column (:mod:`jokkgeo.i18n.popups`), else the name as words.

    Parameters
    ----------
    field
        Column name.
    language
        ``"sv"`` or ``"en"``.
    """
    lang = i18n.lang(language)
    if field in FIELD_LABELS:
        return i18n.text(f"popup.field.{field}", lang)
    if field.endswith("_source") and field[: -len("_source")] in FIELD_LABELS:
        return i18n.text("popup.source_of", lang, label=default_label(field[: -len("_source")], lang))
    return humanise(field)


def _default_format(field: str, series: pd.Series | None) -> str:
    if field in FIELD_FORMATS:
        return FIELD_FORMATS[field]
    if field.endswith("_year"):
        return "year"
    if field.endswith("_area_m2"):
        return "area_km2"
    if field.endswith("_length_m"):
        return "length_km"
    if series is not None and pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return "number"
    return "text"


def _resolve(entry: Any, series: pd.Series | None, language: str) -> ShownField | None:
    """One style entry (PopupField or ``(field, label)``) with the defaults filled in."""
    if isinstance(entry, PopupField):
        if entry.hidden:
            return None
        field, label, unit, fmt = entry.field, entry.label_in(language), entry.unit, entry.format
    else:
        field, label = str(entry[0]), (str(entry[1]) if entry[1] is not None and entry[1] != entry[0] else None)
        unit = fmt = None
    fmt = fmt or _default_format(field, series)
    if unit is None:
        # a label written in code may carry its unit already ("Avstånd (m)"): then none is added
        unit = "" if (label and "(" in label) or fmt in ("area_km2", "length_km", "percent") else FIELD_UNITS.get(
            field, "")
    return ShownField(field=field, label=label or default_label(field, language), unit=unit, format=fmt)


def shown_fields(popup: Sequence[Any], frame: pd.DataFrame, language: str) -> list[ShownField]:
    """The rows a popup shows for a layer, in order.

    Parameters
    ----------
    popup
        The style's popup entries (``PopupField`` or ``(field, label)``); empty: defaults.
    frame
        The layer's attribute table (fields it lacks are left out).
    language
        ``"sv"`` or ``"en"``.
    """
    columns = [c for c in frame.columns if c != getattr(frame, "_geometry_column_name", "geometry")]
    named = "name" in columns
    out: list[ShownField] = []
    if popup:
        entries = list(popup)
    else:
        entries = [c for c in columns if not str(c).startswith("_") and c not in HIDDEN_BY_DEFAULT
                   and not str(c).endswith("_assumed") and not (str(c).endswith("_id") and c != "site_id")]
    for entry in entries:
        field = entry.field if isinstance(entry, PopupField) else (entry if isinstance(entry, str) else entry[0])
        if field not in columns:
            continue
        if field.endswith("_id") and named and not (field == "site_id" and "site_name" in columns):
            continue  # an id: the row's own name is shown instead
        spec = _resolve(entry if not isinstance(entry, str) else PopupField(field=entry), frame[field], language)
        if spec is not None:
            out.append(spec)
    return out if popup else out[:MAX_DEFAULT_FIELDS]


def _digits(v: float) -> int:
    a = abs(v)
    return 0 if a >= 100 else 1 if a >= 10 else 2


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)) or v is pd.NaT


def _with_unit(text: str, unit: str) -> str:
    return f"{text}\u00a0{unit}" if unit and text else text


def format_value(value: Any, fmt: str, language: str, *, unit: str = "", field: str = "") -> str:
    """One value as planners read it (plain text, not escaped).

    Parameters
    ----------
    value
        The value (missing: ``""``).
    fmt
        A format of :data:`jokkgeo.config.styles.POPUP_FORMATS`.
    language
        ``"sv"`` or ``"en"``.
    unit
        Unit written after numbers.
    field
        Column name (``*_km2``/``*_ha`` areas are converted from their unit).

    Examples
    --------
    >>> format_value(138973139.32, "area_km2", "sv") == "139\\u00a0km²"
    True
    >>> format_value(2020.0, "year", "sv")
    '2020'
    >>> format_value(0.256, "percent", "en") == "26\\u00a0%"
    True
    """
    if _missing(value):
        return ""
    lang = i18n.lang(language)
    if isinstance(value, (bool, np.bool_)):
        return i18n.text("yes" if value else "no", lang)
    if fmt == "text":
        return str(value)
    if fmt == "year":
        out = format_year(value)
        return "" if out == "–" else out
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return ""
    return _format_number(v, fmt, lang, unit=unit, field=field)


def _format_number(v: float, fmt: str, lang: str, *, unit: str, field: str) -> str:
    if fmt == "count":
        return _with_unit(format_number(v, lang, digits=0), unit)
    if fmt == "area_km2":
        m2 = v * 1e6 if field.endswith("km2") else v * 1e4 if field.endswith("_ha") else v
        if abs(m2) >= 1e5:
            km2 = m2 / 1e6
            return _with_unit(format_number(km2, lang, digits=_digits(km2)), "km²")
        return _with_unit(format_number(m2, lang, digits=0), "m²")
    if fmt == "length_km":
        if abs(v) >= 1000:
            km = v / 1000
            return _with_unit(format_number(km, lang, digits=1 if abs(km) < 100 else 0), "km")
        return _with_unit(format_number(v, lang, digits=0), "m")
    if fmt == "percent":
        pct = v * 100 if abs(v) <= 1.0 else v
        return _with_unit(format_number(pct, lang, digits=0 if abs(pct) >= 10 else 1), "%")
    return _with_unit(format_number(v, lang, digits=_digits(v)), unit)


def short_citation(citation: Any) -> str:
    """The author–year head of a citation (``"Vistnes, I. & Nellemann, C. (2008)"``).

    Parameters
    ----------
    citation
        A full reference text.
    """
    text = " ".join(str(citation).split())
    m = _CITATION.match(text)
    return m.group(1) if m else text[:120]


def _code_words(value: Any, field: str, lookup: dict[Any, str], language: str) -> str:
    if value in lookup:
        return lookup[value]
    text = str(value)
    domain = VALUE_DOMAINS.get(field)
    if domain is not None:
        key = f"popup.value.{domain}.{text}"
        try:
            return i18n.text(key, language)
        except KeyError:
            pass
        if _SNAKE.match(text):
            return humanise(text)
    return text


def column_strings(frame: pd.DataFrame, spec: ShownField, language: str, *,
                   class_labels: dict[Any, str] | None = None) -> list[str]:
    """Escaped display strings of one popup row for every feature (missing: ``""``).

    Parameters
    ----------
    frame
        The layer's attribute table.
    spec
        The resolved row (:func:`shown_fields`).
    language
        ``"sv"`` or ``"en"``.
    class_labels
        Legend labels of the layer's classes when ``spec.field`` is its categorical field.
    """
    lang = i18n.lang(language)
    field = spec.field
    if field == "site_id" and "site_name" in frame.columns:
        field = "site_name"
    values = frame[field].tolist()
    if field == "reference":
        cites = frame["citation"].tolist() if "citation" in frame.columns else [None] * len(values)
        out = []
        for key, cite in zip(values, cites, strict=True):
            if not _missing(cite):
                out.append(_esc(short_citation(cite)))
            elif _missing(key):
                out.append("")
            else:
                m = _REF_KEY.match(str(key))
                out.append(_esc(f"{m.group(1).capitalize()} {m.group(2)}" if m else key))
        return out
    series = frame[field]
    is_bool = pd.api.types.is_bool_dtype(series)
    if spec.format == "text" and not is_bool:
        lookup = dict(class_labels or {})
        texts = ["" if _missing(v) else _code_words(v, spec.field, lookup, lang) for v in values]
        if spec.unit:  # numbers stored as text ("70") get their unit
            texts = [_with_unit(t, spec.unit) if _NUMERIC.match(t) else t for t in texts]
        texts = [t if not isinstance(values[i], (bool, np.bool_)) else format_value(values[i], "text", lang)
                 for i, t in enumerate(texts)]
    else:
        texts = [format_value(v, spec.format, lang, unit=spec.unit, field=field) for v in values]
    assumed = f"{spec.field}_assumed"
    if assumed in frame.columns:
        note = i18n.text("popup.assumed", lang)
        flags = frame[assumed].fillna(False).astype(bool).to_numpy()
        texts = [f"{t} ({note})" if t and flag else t for t, flag in zip(texts, flags, strict=True)]
    return [_esc(t) for t in texts]


__all__ = ["MAX_DEFAULT_FIELDS", "ShownField", "column_strings", "default_label", "format_value", "humanise",
           "short_citation", "shown_fields"]
