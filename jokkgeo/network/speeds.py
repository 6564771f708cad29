"""Speed model: signed speed limits first, then per-class fallbacks, with provenance.

Every road edge gets a ``speed_kph`` and a ``speed_source``:

``maxspeed``
    a signed limit parsed from the data (OSM ``maxspeed``, NVDB *Hastighetsgräns*).
``maxspeed_implicit``
    an implicit OSM limit such as ``SE:rural`` (70 km/h) or ``SE:urban`` (50 km/h),
    the Swedish defaults of Trafikförordningen 3 kap. 17 § (see DOMAIN.md).
``fallback_class``
    no limit was given; the road class fallback (:data:`DEFAULT_FALLBACK_KPH`) is used.
``fallback_invalid``
    a limit was given but was implausible (0, negative, above ``max_kph``) or
    unparseable; it is replaced by the class fallback and counted — never
    averaged in. (osmnx fills unparseable limits with the mean of parsed ones,
    which we avoid.)

Parsing is vectorised over the *unique* raw values, so a million edges cost a
few thousand string parses at most.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

ROAD_CLASSES: tuple[str, ...] = (
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "track",
    "unknown",
)
"""Normalised road classes (OSM ``highway`` names; ``*_link`` map to their parent)."""

DEFAULT_FALLBACK_KPH: Mapping[str, float] = {
    # DOMAIN.md "Roads and speeds in Sweden": *proposal* fallbacks, to calibrate against NVDB.
    "motorway": 110.0,  # Swedish motorways are signed 110-120 (assumption, not in DOMAIN.md)
    "trunk": 90.0,  # trunk/E-road 90
    "primary": 80.0,  # primary 80
    "secondary": 70.0,  # secondary 70-80: lower end, so reach is not overstated
    "tertiary": 70.0,  # tertiary 70 (= SE:rural default)
    "unclassified": 50.0,  # unclassified/private 50-60: lower end
    "residential": 40.0,  # residential 40-50: lower end
    "living_street": 7.0,  # gångfartsområde: walking pace (assumption)
    "service": 20.0,  # service 20
    "track": 30.0,  # track/forest road 30-40: lower end
    "unknown": 50.0,  # unrecognised class: urban default 50 (assumption)
}
"""Fallback speed (km/h) per road class when no plausible limit is tagged (DOMAIN.md proposals)."""

SPEED_SOURCES: tuple[str, ...] = ("maxspeed", "maxspeed_implicit", "fallback_class", "fallback_invalid")

EXCLUDED_HIGHWAY: frozenset[str] = frozenset(
    {
        "footway", "path", "cycleway", "pedestrian", "steps", "bridleway", "construction", "proposed",
        "raceway", "bus_guideway", "corridor", "platform", "elevator", "abandoned", "escape", "busway",
        "via_ferrata", "sidewalk", "crossing", "planned", "razed", "disused",
    }
)
"""OSM ``highway`` values that are not part of the drivable network (dropped and counted)."""

_OSM_CLASS = {c: c for c in ROAD_CLASSES}
_OSM_CLASS.update(
    {
        "motorway_link": "motorway",
        "trunk_link": "trunk",
        "primary_link": "primary",
        "secondary_link": "secondary",
        "tertiary_link": "tertiary",
        "road": "unclassified",
        "rest_area": "service",
        "services": "service",
        "emergency_access_point": "service",
    }
)

NVDB_FUNCTIONAL_CLASS: Mapping[int, str] = {
    # Trafikverket "Funktionell vägklass" 0 (most important) .. 9 (least); *proposal* mapping.
    0: "trunk", 1: "trunk", 2: "primary", 3: "secondary", 4: "tertiary",
    5: "unclassified", 6: "unclassified", 7: "residential", 8: "service", 9: "track",
}

IMPLICIT_MAXSPEED_KPH: Mapping[str, float] = {
    "se:rural": 70.0,  # Trafikförordningen 3 kap. 17 §: 70 outside built-up areas
    "se:urban": 50.0,  # 50 inside built-up areas
    "se:motorway": 110.0,
    "se:living_street": 7.0,
    "se:walk": 7.0,
    "fi:rural": 80.0,
    "fi:urban": 50.0,
    "fi:motorway": 120.0,
    "no:rural": 80.0,
    "no:urban": 50.0,
    "no:motorway": 110.0,
    "walk": 7.0,
}
"""Implicit OSM ``maxspeed`` values (lower-case) and their km/h."""

_UNPAVED = frozenset(
    {"unpaved", "gravel", "fine_gravel", "compacted", "dirt", "earth", "ground", "grass", "sand", "mud",
     "pebblestone", "rock", "woodchips", "grus", "grusväg", "obelagd", "grass_paver"}
)
_PAVED = frozenset(
    {"paved", "asphalt", "concrete", "concrete:plates", "concrete:lanes", "paving_stones", "sett", "cobblestone",
     "chipseal", "metal", "wood", "belagd", "asfalt", "bituminous"}
)
_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots|kn)?\s*$", re.IGNORECASE)
_UNIT = {None: 1.0, "km/h": 1.0, "kmh": 1.0, "kph": 1.0, "mph": 1.609344, "knots": 1.852, "kn": 1.852}


@dataclass
class SpeedReport:
    """Counts of where edge speeds came from, and the implausible raw values replaced."""

    n_edges: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    invalid_values: dict[str, int] = field(default_factory=dict)
    unknown_classes: dict[str, int] = field(default_factory=dict)
    max_kph: float = 150.0

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form for manifests and logs."""
        return {
            "n_edges": self.n_edges,
            "counts": dict(self.counts),
            "invalid_values": dict(self.invalid_values),
            "unknown_classes": dict(self.unknown_classes),
            "max_kph": self.max_kph,
        }


def _parse_one(value: Any, max_kph: float) -> tuple[float, str]:
    """Parse one raw limit -> (km/h or nan, kind) with kind in signed/implicit/invalid/missing."""
    if value is None:
        return math.nan, "missing"
    if isinstance(value, (list, tuple, np.ndarray)):
        parsed = [_parse_one(v, max_kph) for v in value]
        good = [(s, k) for s, k in parsed if k in ("signed", "implicit")]
        if not good:
            return math.nan, "invalid" if any(k == "invalid" for _, k in parsed) else "missing"
        kind = "signed" if any(k == "signed" for _, k in good) else "implicit"
        return float(np.mean([s for s, _ in good])), kind
    if isinstance(value, (bool, np.bool_)):
        return math.nan, "invalid"
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if math.isnan(v):
            return math.nan, "missing"
        return (v, "signed") if 0.0 < v <= max_kph else (math.nan, "invalid")
    text = str(value).strip()
    if not text or text.lower() in ("nan", "none_value", "<na>"):
        return math.nan, "missing"
    if text.startswith("[") and text.endswith("]"):  # a list written out as text by a GIS export
        items = [t.strip().strip("'\"") for t in text[1:-1].split(",")]
        return _parse_one(items, max_kph)
    if ";" in text or "|" in text:
        return _parse_one(re.split(r"[;|]", text), max_kph)
    implicit = IMPLICIT_MAXSPEED_KPH.get(text.lower())
    if implicit is not None:
        return implicit, "implicit"
    match = _NUMBER.match(text)
    if match is None:
        return math.nan, "invalid"
    v = float(match.group(1).replace(",", ".")) * _UNIT[(match.group(2) or "").lower() or None]
    return (v, "signed") if 0.0 < v <= max_kph else (math.nan, "invalid")


def parse_maxspeed(values: Any, *, max_kph: float = 150.0) -> tuple[np.ndarray, np.ndarray]:
    """Parse raw speed-limit values to km/h.

    Accepts numbers, OSM strings (``"70"``, ``"50 mph"``, ``"SE:rural"``,
    ``"70;50"``), and lists (osmnx merges tags of simplified edges into lists;
    the mean of the *plausible* entries is used).

    Parameters
    ----------
    values
        Sequence of raw values (any mix of None, numbers, strings, lists).
    max_kph
        Values above this (and 0 or negative) are implausible.

    Returns
    -------
    speed_kph, kind
        ``speed_kph`` float array (NaN where no plausible value) and ``kind``
        array of ``"signed"``, ``"implicit"``, ``"invalid"`` or ``"missing"``.

    Examples
    --------
    >>> parse_maxspeed(["70", "SE:urban", "5000", None])[0]
    array([70., 50., nan, nan])
    """
    series, codes, uniques = _factorize_raw(values)
    first = pd.Series(np.arange(len(series))).groupby(codes).first()
    speed = np.full(len(series), np.nan)
    kind = np.full(len(series), "missing", dtype=object)
    table_speed = np.full(len(uniques), np.nan)
    table_kind = np.full(len(uniques), "missing", dtype=object)
    for code, pos in first.items():
        if code < 0:
            continue
        table_speed[code], table_kind[code] = _parse_one(series.iat[pos], max_kph)
    have = codes >= 0
    speed[have] = table_speed[codes[have]]
    kind[have] = table_kind[codes[have]]
    return speed, kind


def normalise_class(values: Any) -> np.ndarray:
    """Map raw road classes (OSM ``highway`` incl. lists, NVDB functional class 0-9) to :data:`ROAD_CLASSES`.

    Non-drivable OSM values (:data:`EXCLUDED_HIGHWAY`) map to ``"excluded"``;
    anything unrecognised maps to ``"unknown"``. Lists take their most
    important class.

    Parameters
    ----------
    values
        Raw class values (text, numbers or lists of text).
    """

    def one(v: Any) -> str:
        if isinstance(v, (list, tuple, np.ndarray)):
            classes = [one(x) for x in v]
            ranked = [c for c in ROAD_CLASSES if c in classes]
            if ranked:
                return ranked[0]
            return "excluded" if "excluded" in classes else "unknown"
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "unknown"
        if isinstance(v, (int, np.integer, float, np.floating)) and not isinstance(v, bool):
            return NVDB_FUNCTIONAL_CLASS.get(int(v), "unknown")
        text = str(v).strip().lower()
        if text.isdigit():
            return NVDB_FUNCTIONAL_CLASS.get(int(text), "unknown")
        if text.startswith("[") and text.endswith("]"):
            return one([t.strip().strip("'\"") for t in text[1:-1].split(",")])
        if text in EXCLUDED_HIGHWAY:
            return "excluded"
        return _OSM_CLASS.get(text, "unknown")

    return _map_distinct(values, one)


def _factorize_raw(values: Any) -> tuple[pd.Series, np.ndarray, Any]:
    """``(values as an object Series, code per value (-1 missing), distinct values)``; lists compared by repr.

    The per-value repr is paid only when some value is a list (osmnx-simplified edges); plain
    tags are factorised directly.
    """
    series = pd.Series(list(values), dtype=object)
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists)
        keys = series.map(lambda v: repr(v) if isinstance(v, (list, tuple, np.ndarray)) else v)
        codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    return series, codes, uniques


def _map_distinct(values: Any, one: Any) -> np.ndarray:
    """Apply ``one`` once per distinct raw value (lists compared by repr); missing -> ``"unknown"``."""
    series, codes, uniques = _factorize_raw(values)
    first = pd.Series(np.arange(len(series))).groupby(codes).first()
    table = np.full(len(uniques), "unknown", dtype=object)
    for code, pos in first.items():  # one call per distinct value, not per edge
        if code >= 0:
            table[code] = one(series.iat[pos])
    out = np.full(len(series), "unknown", dtype=object)
    out[codes >= 0] = table[codes[codes >= 0]]
    return out


def normalise_surface(values: Any) -> np.ndarray:
    """Map raw surfaces (OSM ``surface``, NVDB *Slitlager*) to ``paved`` / ``unpaved`` / ``unknown``.

    Parameters
    ----------
    values
        Raw surface values.
    """

    def one(v: Any) -> str:
        if isinstance(v, (list, tuple, np.ndarray)):
            kinds = {one(x) for x in v}
            return "unpaved" if "unpaved" in kinds else ("paved" if "paved" in kinds else "unknown")
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "unknown"
        text = str(v).strip().lower()
        if text in _UNPAVED or "grus" in text or "gravel" in text:
            return "unpaved"
        if text in _PAVED or text.startswith(("asph", "belag", "belagd", "asfalt")):
            return "paved"
        return "unknown"

    return _map_distinct(values, one)


def assign_speeds(
    raw_maxspeed: Any,
    road_class: np.ndarray,
    *,
    fallback_kph: Mapping[str, float] | None = None,
    max_kph: float = 150.0,
) -> tuple[np.ndarray, np.ndarray, SpeedReport]:
    """Speed (km/h) and its source for every edge.

    Parameters
    ----------
    raw_maxspeed
        Raw limits per edge (see :func:`parse_maxspeed`); ``None`` for a layer without limits.
    road_class
        Normalised class per edge (:func:`normalise_class`).
    fallback_kph
        Class -> km/h overrides merged over :data:`DEFAULT_FALLBACK_KPH`.
    max_kph
        Plausibility ceiling; higher values are replaced by the fallback and counted.

    Returns
    -------
    speed_kph, speed_source, report
    """
    table = dict(DEFAULT_FALLBACK_KPH)
    if fallback_kph:
        for key, value in fallback_kph.items():
            if key not in table:
                from jokkgeo.errors import AnalysisError

                raise AnalysisError(
                    f"fallback speed for unknown road class '{key}'; classes are: {', '.join(ROAD_CLASSES)}"
                )
            if not (0 < float(value) <= max_kph):
                from jokkgeo.errors import AnalysisError

                raise AnalysisError(f"fallback speed for '{key}' must be in (0, {max_kph}] km/h, got {value}")
            table[key] = float(value)
    n = len(road_class)
    if raw_maxspeed is None:
        speed = np.full(n, np.nan)
        kind = np.full(n, "missing", dtype=object)
    else:
        speed, kind = parse_maxspeed(raw_maxspeed, max_kph=max_kph)
    fallback = (pd.Series(road_class, dtype=object).map(table).fillna(table["unknown"]).to_numpy(dtype=float)
                if n else np.zeros(0))
    source = np.where(kind == "signed", "maxspeed", np.where(kind == "implicit", "maxspeed_implicit",
                      np.where(kind == "invalid", "fallback_invalid", "fallback_class"))).astype(object)
    use_fallback = ~np.isfinite(speed)
    speed = np.where(use_fallback, fallback, speed)
    report = SpeedReport(n_edges=n, max_kph=max_kph)
    report.counts = {s: int((source == s).sum()) for s in SPEED_SOURCES}
    if raw_maxspeed is not None and (kind == "invalid").any():
        raw = pd.Series(list(raw_maxspeed), dtype=object)[kind == "invalid"].map(str)
        report.invalid_values = {str(k): int(v) for k, v in raw.value_counts().head(20).items()}
        log.warning(
            "%d edge(s) had implausible or unparseable speed limits (replaced by class fallback): %s",
            int((kind == "invalid").sum()),
            ", ".join(f"{k!r}×{v}" for k, v in report.invalid_values.items()),
        )
    unknown = pd.Series(road_class, dtype=object)
    report.unknown_classes = {"unknown": int((unknown == "unknown").sum())} if (unknown == "unknown").any() else {}
    return speed, source, report


# --------------------------------------------------------------------------- speed models
# How the base speed (signed limit or class fallback) becomes the average speed a car drives.

BUILT_UP_CLASSES: frozenset[str] = frozenset({"residential", "living_street"})
"""Road classes that are built-up streets whatever their limit."""


@dataclass(frozen=True)
class SpeedModel:
    """How signed limits become average (operating) driving speeds, and the delay at junctions.

    A profile's speed model turns each arc's base speed ``L`` (its signed limit,
    or the class fallback when no limit is tagged) into the average speed of
    traffic before the season's factors are applied:

    * **rural roads**: the ``operating_speed`` table, piecewise linear between
      its points (limit km/h -> average km/h); below the first and above the
      last point the speed is ``L`` times that point's ratio;
    * **built-up streets** (a signed or implicit limit of at most
      ``built_up_max_kph``, or class ``residential``/``living_street``):
      ``built_up_factor * L``;
    * **junctions**: ``junction_delay_s`` per movement through a junction that
      is not straight along its main road (see
      :meth:`jokkgeo.network.arrays.RoadNetwork.junction_share`).

    The model ``signed_limits`` (empty table, factor 1, no delay) is the
    behaviour before the model existed: average speed = signed limit.

    Parameters
    ----------
    name
        Model name (``operating``, ``signed_limits`` or a profile's own label).
    operating_speed
        Sorted ``(limit_kph, average_kph)`` pairs; empty: the limit itself.
    built_up_max_kph
        Highest signed limit (km/h) counted as built-up; 0 leaves only the
        residential classes built-up (``built_up_factor`` 1 turns the slowdown off).
    built_up_factor
        Average speed as a share of the limit on built-up streets.
    junction_delay_s
        Seconds lost per movement through a junction off its main road.
    """

    name: str
    operating_speed: tuple[tuple[float, float], ...] = ()
    built_up_max_kph: float = 0.0
    built_up_factor: float = 1.0
    junction_delay_s: float = 0.0

    @property
    def is_signed_limits(self) -> bool:
        """True when the model changes nothing (speeds are the limits, no delays)."""
        return not self.operating_speed and self.built_up_factor == 1.0 and self.junction_delay_s == 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form for result parameters (provenance) and manifests."""
        return {
            "name": self.name,
            "operating_speed": {f"{lim:g}": spd for lim, spd in self.operating_speed},
            "built_up_max_kph": self.built_up_max_kph,
            "built_up_factor": self.built_up_factor,
            "junction_delay_s": self.junction_delay_s,
        }

    def with_overrides(self, overrides: Mapping[str, Any], *, name: str | None = None) -> SpeedModel:
        """A copy with some fields replaced (keys as in ``seasons.yaml``'s ``speed_model`` mapping).

        Parameters
        ----------
        overrides
            ``operating_speed`` (pairs or a mapping), ``built_up_max_kph``,
            ``built_up_factor``, ``junction_delay_s``.
        name
            Name of the copy (default: ``<name>*`` when anything changed).
        """
        import dataclasses

        changes = dict(overrides)
        if "operating_speed" in changes:
            table = changes["operating_speed"]
            pairs = table.items() if isinstance(table, Mapping) else table
            changes["operating_speed"] = tuple(sorted((float(a), float(b)) for a, b in pairs))
        for key in ("built_up_max_kph", "built_up_factor", "junction_delay_s"):
            if key in changes:
                changes[key] = float(changes[key])
        label = name if name is not None else (f"{self.name}*" if changes else self.name)
        return dataclasses.replace(self, name=label, **changes)


OPERATING_SPEED_KPH: tuple[tuple[float, float], ...] = (
    # signed limit -> average speed of all traffic (km/h), rural roads. Sources (docs/network.md):
    #  * Finnish main roads, TMS stations 2009, annual mean of all vehicles: 60 -> 62.8, 70 -> 68.7,
    #    80 -> 81.1, 100 -> 86.6, 120 (100 in winter) -> 106.3 (Finnish Transport Agency, via safetylit.org).
    #  * Sweden (VTI, "Speed management in Sweden", Vadeby & Forsman 2014): a 10 km/h change of the
    #    limit changes the mean car speed by only 2-3.5 km/h, so averages fall further below the
    #    limit as the limit rises.
    # The values between and the 90 km/h point (the limit of most of the default network) are an
    # ASSUMPTION, checked against approximate route-planner times (tests/test_route_times.py);
    # calibrate against Trafikverket's Hastighetsundersökning (state roads, per limit) or NVDB data.
    (30.0, 30.0),
    (50.0, 48.0),
    (60.0, 58.0),
    (70.0, 68.0),   # FI 68.7
    (80.0, 78.0),   # FI 81.1, lowered: Swedish 80 roads are mostly former 90 roads of lower standard
    (90.0, 84.0),   # assumption (between the 80 and 100 points; route-planner check)
    (100.0, 88.0),  # FI 86.6
    (110.0, 100.0),  # motorways / 2+1 roads; assumption
    (120.0, 106.0),  # FI 106.3
)
"""Average speed (km/h) per signed limit on rural roads in the ``operating`` model (see :class:`SpeedModel`)."""

BUILT_UP_MAX_KPH = 50.0
"""Signed limits at or below this count as built-up (Trafikförordningen: 50 km/h inside built-up areas)."""

BUILT_UP_FACTOR = 0.9
"""Average speed on built-up streets as a share of the limit.

VTI rapport 1030 (Vadeby & Anund 2020): the average travel speed of all vehicles on municipal main
streets with limits 40-70 km/h in 23 Swedish towns was 47 km/h in 2019 — about 0.9 of a 50 limit
between junctions (the delays at junctions are counted separately). Assumption to calibrate.
"""

JUNCTION_DELAY_S = 10.0
"""Seconds lost per movement through a junction off its main road (assumption to calibrate).

Slowing from 50-70 km/h to a give-way line and accelerating again at about 1.5-2 m/s² costs
roughly 8-15 s against driving through (plain kinematics); 10 s is the middle. Half is counted
on entering the junction and half on leaving it (see ``RoadNetwork.junction_share``).
"""

OPERATING = SpeedModel(
    name="operating",
    operating_speed=OPERATING_SPEED_KPH,
    built_up_max_kph=BUILT_UP_MAX_KPH,
    built_up_factor=BUILT_UP_FACTOR,
    junction_delay_s=JUNCTION_DELAY_S,
)
"""The default speed model: average speeds below the limit, built-up slowdown, junction delays."""

SIGNED_LIMITS = SpeedModel(name="signed_limits")
"""The old behaviour: every road driven at its signed limit (or class fallback), no delays."""

SPEED_MODELS: Mapping[str, SpeedModel] = {"operating": OPERATING, "signed_limits": SIGNED_LIMITS}
"""Named speed models a profile's ``speed_model`` may use."""


def operating_speed_kph(limit_kph: np.ndarray, table: tuple[tuple[float, float], ...]) -> np.ndarray:
    """Average speed (km/h) for each limit from a ``(limit, average)`` table.

    Piecewise linear between the table's points; below the first point and above
    the last the limit is scaled by that point's ratio. An empty table returns
    the limits.

    Parameters
    ----------
    limit_kph
        Base speeds (signed limits or class fallbacks), km/h.
    table
        Sorted ``(limit_kph, average_kph)`` pairs.

    Examples
    --------
    >>> operating_speed_kph(np.array([20.0, 85.0, 130.0]), ((30, 30), (80, 78), (90, 84), (120, 106))).round(1).tolist()
    [20.0, 81.0, 114.8]
    """
    limit = np.asarray(limit_kph, dtype=float)
    if not table:
        return limit.copy()
    xs = np.array([p[0] for p in table], dtype=float)
    ys = np.array([p[1] for p in table], dtype=float)
    out = np.interp(limit, xs, ys)
    out = np.where(limit < xs[0], limit * (ys[0] / xs[0]), out)
    return np.where(limit > xs[-1], limit * (ys[-1] / xs[-1]), out)


def built_up_mask(speed_kph: np.ndarray, speed_source: np.ndarray, road_class: np.ndarray,
                  max_kph: float) -> np.ndarray:
    """Arcs on built-up streets: a signed or implicit limit ``<= max_kph``, or a residential street.

    Class fallbacks (no tagged limit) do not count by their speed: a rural
    road without a limit is not built-up because its fallback is 50 km/h.

    Parameters
    ----------
    speed_kph
        Base speed per arc (km/h).
    speed_source
        Where it came from (:data:`SPEED_SOURCES` or ``"scenario"``).
    road_class
        Normalised class per arc.
    max_kph
        Highest limit counted as built-up (0: only the residential classes).
    """
    signed = np.isin(speed_source, ("maxspeed", "maxspeed_implicit", "scenario"))
    by_limit = signed & (np.asarray(speed_kph, dtype=float) <= max_kph) if max_kph > 0 else np.zeros(len(signed), bool)
    return by_limit | np.isin(road_class, list(BUILT_UP_CLASSES))
