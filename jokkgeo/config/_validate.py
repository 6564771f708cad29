"""The one set of validation helpers every configuration schema uses.

Every helper takes the value, the file it came from (``path``) and the key path
(``rules[2].zones_m``), and raises :class:`~jokkgeo.errors.CatalogueError` with the
one message format::

    <file>: key '<key.path>': <what was wrong>; <what is allowed>

Long values are shortened (:data:`MAX_REPR`) so a hostile file cannot produce a
huge message.

Examples
--------
>>> number(5, "f.yaml", "radius_m", low=0, low_open=True)
5.0
>>> try:
...     choice("big", ("major", "minor"), "f.yaml", "severity")
... except Exception as exc:
...     print(exc)
f.yaml: key 'severity': 'big' is not an allowed value; use one of: major, minor
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jokkgeo.errors import CatalogueError

MAX_REPR = 200
"""Longest shown representation of a wrong value (characters)."""
MAX_MESSAGE = 2000
"""Longest error message (characters)."""

Origin = Path | str | None


def short(value: Any, limit: int = MAX_REPR) -> str:
    """``repr(value)`` cut to ``limit`` characters.

    Parameters
    ----------
    value
        Any value.
    limit
        Maximum length of the result.

    Examples
    --------
    >>> short("x" * 300).endswith("… (302 chars)")
    True
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} chars)"


def origin_text(path: Origin) -> str:
    """The file part of a message (``<config>`` when unknown).

    Parameters
    ----------
    path
        The config file, a label such as ``<scenario>``, or ``None``.
    """
    return "<config>" if path is None else str(path)


def join(prefix: str, key: Any) -> str:
    """Join a key path: ``join("rules[0]", "id") == "rules[0].id"``.

    Parameters
    ----------
    prefix
        The key path so far ('' at the top).
    key
        The next key or an ``[i]`` index.

    Examples
    --------
    >>> join("", "id"), join("rules", "[2]"), join("rules[2]", "id")
    ('id', 'rules[2]', 'rules[2].id')
    """
    key = str(key)
    if not prefix:
        return key
    return f"{prefix}{key}" if key.startswith("[") else f"{prefix}.{key}"


def message(path: Origin, key: str, problem: str, allowed: str = "") -> str:
    """Format one error message (capped at :data:`MAX_MESSAGE` characters).

    Parameters
    ----------
    path
        The config file.
    key
        The key path ('' for the whole document).
    problem
        What was wrong.
    allowed
        What is allowed / what to do (optional).

    Examples
    --------
    >>> message("a.yaml", "id", "missing (required)", "give a text id")
    "a.yaml: key 'id': missing (required); give a text id"
    """
    head = f"{origin_text(path)}: key '{key}': " if key else f"{origin_text(path)}: "
    text = head + problem + (f"; {allowed}" if allowed else "")
    text = " ".join(text.splitlines())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def fail(path: Origin, key: str, problem: str, allowed: str = "") -> CatalogueError:
    """A :class:`~jokkgeo.errors.CatalogueError` in the one message format (to ``raise``).

    Parameters
    ----------
    path, key, problem, allowed
        As for :func:`message`.
    """
    return CatalogueError(message(path, key, problem, allowed))


def _typename(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def mapping(value: Any, path: Origin, key: str = "", what: str = "a mapping of keys") -> Mapping[Any, Any]:
    """Check ``value`` is a mapping.

    Parameters
    ----------
    value
        The value read from the file.
    path, key
        File and key path for the message.
    what
        Description of the expected mapping.
    """
    if not isinstance(value, Mapping):
        raise fail(path, key, f"expected {what}, got {_typename(value)} {short(value)}")
    return value


def check_keys(data: Mapping[Any, Any], allowed: Iterable[str], path: Origin, key: str = "") -> None:
    """Refuse keys not in ``allowed`` (the message lists the allowed keys).

    Parameters
    ----------
    data
        The mapping to check.
    allowed
        Allowed key names.
    path, key
        File and key path of ``data``.
    """
    allowed = frozenset(allowed)
    for k in data:
        if k not in allowed:
            raise fail(path, join(key, k), f"unknown key {short(str(k), 80)}",
                       f"allowed keys are: {', '.join(sorted(allowed))}")


def require(data: Mapping[Any, Any], required: Iterable[str], path: Origin, key: str = "") -> None:
    """Refuse a missing (or null) required key.

    Parameters
    ----------
    data
        The mapping to check.
    required
        Keys that must be present and not null.
    path, key
        File and key path of ``data``.
    """
    for k in required:
        if data.get(k) is None:
            raise fail(path, join(key, k), "missing (required)")


def ident(value: Any, path: Origin, key: str) -> str:
    """Check an id: non-empty text of letters, digits, ``_`` or ``-``.

    Parameters
    ----------
    value
        The value read from the file.
    path, key
        File and key path.

    Examples
    --------
    >>> ident("roads_2", "f.yaml", "id")
    'roads_2'
    """
    if not isinstance(value, str) or not value or not value.replace("_", "").replace("-", "").isalnum():
        raise fail(path, key, f"{short(value)} is not a valid id", "use letters, digits, '_' or '-' only")
    return value


def number(
    value: Any,
    path: Origin,
    key: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    what: str = "a number",
) -> float:
    """Check a finite number within ``[low, high]`` (``(low, high]`` with ``low_open``).

    Parameters
    ----------
    value
        The value read from the file (``true``/``false`` are not numbers).
    path, key
        File and key path.
    low, high
        Bounds (``None``: unbounded).
    low_open
        Exclude ``low`` itself (e.g. positive numbers).
    what
        Description of the expected value.

    Examples
    --------
    >>> number(0.5, "f", "k", low=0, high=1)
    0.5
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(path, key, f"expected {what}, got {_typename(value)} {short(value)}")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer beyond float range
        finite = False
    if not finite:
        raise fail(path, key, f"expected {what}, got {short(value)}", "give a finite number")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and value > high
    if too_low or too_high:
        raise fail(path, key, f"must be {_bound(low, high, low_open)}, got {short(value)}")
    return float(value)


def _bound(low: float | None, high: float | None, low_open: bool) -> str:
    if low == 0 and low_open and high is None:
        return "positive"
    lo = "" if low is None else (f"greater than {low:g}" if low_open else f"at least {low:g}")
    if high is None:
        return lo
    if low is None:
        return f"at most {high:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}]"


def positive(value: Any, path: Origin, key: str, what: str = "a positive number") -> float:
    """Check a finite number greater than 0.

    Parameters
    ----------
    value
        The value read from the file.
    path, key
        File and key path.
    what
        Description of the expected value (e.g. ``a distance in metres``).
    """
    return number(value, path, key, low=0, low_open=True, what=what)


def integer(value: Any, path: Origin, key: str, *, low: int | None = None, high: int | None = None) -> int:
    """Check a whole number within ``[low, high]``.

    Parameters
    ----------
    value
        The value read from the file.
    path, key
        File and key path.
    low, high
        Bounds (``None``: unbounded).
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(path, key, f"expected a whole number, got {_typename(value)} {short(value)}")
    return int(number(value, path, key, low=low, high=high))


def choice(value: Any, choices: Sequence[str], path: Origin, key: str, what: str = "an allowed value") -> str:
    """Check ``value`` is one of ``choices``.

    Parameters
    ----------
    value
        The value read from the file.
    choices
        Allowed values (listed in the message).
    path, key
        File and key path.
    what
        What a valid value is called (``a theme``).
    """
    if not isinstance(value, str) or value not in choices:
        raise fail(path, key, f"{short(value)} is not {what}", f"use one of: {', '.join(choices)}")
    return value


def text_value(value: Any, path: Origin, key: str, *, nonempty: bool = False) -> str:
    """Check text (``nonempty``: not blank).

    Parameters
    ----------
    value
        The value read from the file.
    path, key
        File and key path.
    nonempty
        Refuse blank text.
    """
    if not isinstance(value, str) or (nonempty and not value.strip()):
        what = "non-empty text" if nonempty else "text"
        raise fail(path, key, f"expected {what}, got {_typename(value)} {short(value)}")
    return value


def opt_text(value: Any, path: Origin, key: str, *, nonempty: bool = False) -> str | None:
    """Like :func:`text`, but ``None`` (key absent or null) passes as ``None``.

    Parameters
    ----------
    value
        The value read from the file.
    path, key
        File and key path.
    nonempty
        Refuse blank text.
    """
    return None if value is None else text_value(value, path, key, nonempty=nonempty)


def text_list(value: Any, path: Origin, key: str, *, single: bool = False) -> tuple[str, ...]:
    """Check a list of texts (``None`` gives ``()``; ``single``: a lone text is a list of one).

    Parameters
    ----------
    value
        The value read from the file.
    path, key
        File and key path.
    single
        Accept one text in place of a list.
    """
    if value is None:
        return ()
    if single and isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise fail(path, key, f"expected a list of texts, got {_typename(value)} {short(value)}")
    return tuple(text_value(v, path, join(key, f"[{i}]")) for i, v in enumerate(value))


def boolean(value: Any, path: Origin, key: str) -> bool:
    """Check ``true`` or ``false``.

    Parameters
    ----------
    value
        The value read from the file.
    path, key
        File and key path.
    """
    if not isinstance(value, bool):
        raise fail(path, key, f"expected true or false, got {_typename(value)} {short(value)}")
    return value


def value_filter(value: Any, path: Origin, key: str) -> dict[str, tuple[Any, ...]]:
    """Check an equality/membership filter ``{column: value or [values]}`` (never evaluated).

    Used by every ``where``, ``exclude`` and ``select`` key: a column maps to one plain
    value or a non-empty list of plain values (text, numbers, booleans).

    Parameters
    ----------
    value
        The value read from the file (``None`` gives ``{}``).
    path, key
        File and key path.

    Examples
    --------
    >>> value_filter({"kind": ["tatort", "by"], "ref": 97}, "f", "where")
    {'kind': ('tatort', 'by'), 'ref': (97,)}
    """
    if value is None:
        return {}
    mapping(value, path, key, "a mapping column: value or [values]")
    out: dict[str, tuple[Any, ...]] = {}
    for column, values in value.items():
        vals = tuple(values) if isinstance(values, (list, tuple)) else (values,)
        if not vals:
            raise fail(path, join(key, column), "empty list of values", "give at least one value")
        for v in vals:
            if isinstance(v, (Mapping, list, tuple)):
                raise fail(path, join(key, column), f"{short(v)} is not a plain value", "use text or numbers")
        out[str(column)] = vals
    return out


def colour(value: Any, path: Origin, key: str) -> str:
    """Check a colour (``#rrggbb`` or a named colour) and return it as ``#rrggbb``.

    Parameters
    ----------
    value
        The value read from the file.
    path, key
        File and key path.

    Examples
    --------
    >>> colour("red", "f", "color")
    '#ff0000'
    """
    from matplotlib.colors import is_color_like, to_hex

    if not isinstance(value, str) or not is_color_like(value):
        raise fail(path, key, f"{short(value)} is not a colour", "use e.g. '#1f77b4' or 'darkgreen'")
    return str(to_hex(value))


def bbox(value: Any, path: Origin, key: str) -> tuple[float, float, float, float]:
    """Check ``[xmin, ymin, xmax, ymax]`` in SWEREF 99 TM metres (EPSG:3006), min < max.

    The one "looks like SWEREF 99 TM" check of the config layer.

    Parameters
    ----------
    value
        The value read from the file.
    path, key
        File and key path.
    """
    allowed = "give [xmin, ymin, xmax, ymax] in EPSG:3006 metres"
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        raise fail(path, key, f"expected four numbers, got {short(value)}", allowed)
    nums = tuple(number(v, path, key, what="a number") for v in value)
    if not (nums[0] < nums[2] and nums[1] < nums[3]):
        raise fail(path, key, f"{short(list(value))} needs xmin < xmax and ymin < ymax", allowed)
    if not (-1e6 < nums[0] < 2e6 and -1e6 < nums[2] < 2e6 and 5e6 < nums[1] < 9e6 and 5e6 < nums[3] < 9e6):
        raise fail(path, key, f"{short(list(value))} does not look like SWEREF 99 TM metres (EPSG:3006)", allowed)
    return nums  # type: ignore[return-value]
