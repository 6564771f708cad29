"""Planner-facing text in one place: Swedish (default) and English string tables.

Every text that reaches planners (map titles, legends, popups, report pages,
CLI result lines) is looked up here by key, so a Swedish reader can review all
of it in this folder: one module per subject (``common``, ``catchments``,
``conflicts``, ``report``, …), each a table ``KEY -> (svenska, English)``.

Numbers are formatted the Swedish way by :func:`format_number` (thin space
between thousands, decimal comma); the same function gives English formatting
with ``language="en"``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

# One subject module per line; each holds ``TEXTS: dict[key, (sv, en)]``.
from jokkgeo.i18n import caveats, common
from jokkgeo.i18n import cli as cli_texts
from jokkgeo.i18n import front as front_texts
from jokkgeo.i18n import growth as growth_texts
from jokkgeo.i18n import maptools as maptools_texts
from jokkgeo.i18n import population as population_texts
from jokkgeo.i18n import popups as popup_texts
from jokkgeo.i18n import present as present_texts
from jokkgeo.i18n import render as render_texts
from jokkgeo.i18n import report as report_texts
from jokkgeo.i18n import services as services_texts
from jokkgeo.i18n import workflows as workflows_texts

LANGUAGES: tuple[str, ...] = ("sv", "en")
"""Languages of planner-facing text; the first is the default."""

THIN_SPACE = "\u202f"
"""Narrow no-break space: the thousands separator of Swedish numbers."""

_TABLES: tuple[Mapping[str, tuple[str, str]], ...] = (
    common.TEXTS,
    caveats.TEXTS,
    cli_texts.TEXTS,
    render_texts.TEXTS,
    report_texts.TEXTS,
    workflows_texts.TEXTS,
    present_texts.TEXTS,
    growth_texts.TEXTS,
    population_texts.TEXTS,
    services_texts.TEXTS,
    maptools_texts.TEXTS,
    popup_texts.TEXTS,
    front_texts.TEXTS,
)


def _check_unique(tables: tuple[Mapping[str, tuple[str, str]], ...]) -> None:
    seen: set[str] = set()
    for table in tables:
        clash = seen.intersection(table)
        if clash:
            raise RuntimeError(f"i18n keys defined twice: {', '.join(sorted(clash))}")
        seen.update(table)


_check_unique(_TABLES)


def lang(language: str | None) -> str:
    """Normalise a language code: ``"en"`` stays, anything else is Swedish.

    Parameters
    ----------
    language
        A language code or ``None``.
    """
    return "en" if language == "en" else "sv"


def text(key: str, language: str = "sv", /, **values: Any) -> str:
    """The text ``key`` in ``language``, with ``{name}`` fields filled from ``values``.

    Values are inserted with :meth:`str.format` on the *table's* text only; the
    values themselves are never parsed as templates.

    Parameters
    ----------
    key
        Key of a table in :mod:`jokkgeo.i18n`.
    language
        ``"sv"`` (default) or ``"en"``.
    **values
        Values of the ``{name}`` fields.

    Examples
    --------
    >>> text("minutes_short", "sv", value=15)
    '15 min'
    >>> text("yes", "en")
    'yes'
    """
    for table in _TABLES:
        if key in table:
            sv, en = table[key]
            template = en if lang(language) == "en" else sv
            return template.format(**values) if values else template
    raise KeyError(f"no text '{key}' in jokkgeo.i18n")


def format_number(value: Any, language: str = "sv", *, digits: int = 0, signed: bool = False) -> str:
    """A number as planners read it: ``12 500`` / ``3,5`` in Swedish, ``12,500`` / ``3.5`` in English.

    Parameters
    ----------
    value
        The number (``None`` and non-finite values give ``"–"``).
    language
        ``"sv"`` (thin-space thousands, decimal comma) or ``"en"``.
    digits
        Decimals kept at most; trailing zeros are dropped.
    signed
        Prefix ``+`` for positive and a true minus sign for negative values.

    Examples
    --------
    >>> format_number(138973139.32, "sv", digits=1) == "138\u202f973\u202f139,3"
    True
    >>> format_number(2.50, "en", digits=2)
    '2.5'
    >>> format_number(-3, "sv", signed=True)
    '−3'
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(v):
        return "–"
    v = round(v, digits)
    if v == 0:
        v = 0.0
    out = f"{abs(v):,.{digits}f}"
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    if lang(language) == "sv":
        out = out.replace(",", THIN_SPACE).replace(".", ",")
    if v < 0:
        out = "−" + out
    elif signed and v > 0:
        out = "+" + out
    return out


def format_year(value: Any) -> str:
    """A year without separators (``2026``), ``"–"`` when missing.

    Parameters
    ----------
    value
        A year (number or text); ``None`` and non-numbers give ``"–"``.
    """
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return "–"


SAMI_NAME_COLUMNS: tuple[str, ...] = ("name_smj", "name_sme", "name_sju", "name_sma")
"""Sámi place-name columns in the order a label uses them (Lule, North, Ume, South Sámi)."""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() in ("", "<NA>")


def place_name(name: Any, local_names: Any = ()) -> str | None:
    """``"Jokkmokk / Jåhkåmåhkke"``: a place's name and its first Sámi name (``None`` without a name).

    The one rule for place labels on web maps and figures.

    Parameters
    ----------
    name
        The Swedish name.
    local_names
        Sámi names in :data:`SAMI_NAME_COLUMNS` order; missing ones ``None``, NaN or empty.

    Examples
    --------
    >>> place_name("Jokkmokk", [float("nan"), "Jåhkåmåhkke"])
    'Jokkmokk / Jåhkåmåhkke'
    >>> place_name("Murjek", [None]), place_name(None, ["x"])
    ('Murjek', None)
    """
    if _blank(name):
        return None
    text = str(name).strip()
    for local in local_names:
        if not _blank(local) and str(local).strip() != text:
            return f"{text} / {str(local).strip()}"
    return text
