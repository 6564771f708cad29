"""Season speed profiles (``seasons.yaml``): schema and frozen dataclasses.

A seasons file maps a profile name to its speed factors::

    winter:
      description: Winter …           # English
      description_sv: Vinter …        # Swedish
      factors: {primary: 0.9, track: 0.7}   # road class -> factor in (0, 1.5]
      surface_factors: {unpaved: 0.8}       # paved | unpaved | unknown -> factor
      closed: [track]                 # road classes closed to traffic
      speed_model: operating          # or signed_limits, or {base: operating, junction_delay_s: 15, ...}

The arithmetic (speeds, travel times) lives in :mod:`jokkgeo.network.profiles`;
:func:`jokkgeo.io.configs.read_seasons` reads a file.

Examples
--------
>>> s = parse_season("w", {"factors": {"track": 0.7}, "closed": ["track"]}, "s.yaml")
>>> s.factors, s.closed
({'track': 0.7}, frozenset({'track'}))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jokkgeo.config import _validate as v

SEASON_KEYS: frozenset[str] = frozenset(
    {"description", "description_sv", "factors", "surface_factors", "closed", "speed_model"}
)
"""Keys of one profile."""
SPEED_MODEL_KEYS: frozenset[str] = frozenset(
    {"base", "operating_speed", "built_up_max_kph", "built_up_factor", "junction_delay_s"}
)
"""Keys of a ``speed_model`` mapping (overrides of a named model; see :mod:`jokkgeo.network.speeds`)."""
DEFAULT_SPEED_MODEL = "operating"
"""The speed model of a profile that names none."""
SURFACES: tuple[str, ...] = ("paved", "unpaved", "unknown")
"""Surface classes ``surface_factors`` may name."""


@dataclass(frozen=True)
class SeasonSpec:
    """One validated season profile (plain data)."""

    name: str
    factors: Mapping[str, float] = field(default_factory=dict)
    surface_factors: Mapping[str, float] = field(default_factory=dict)
    closed: frozenset[str] = frozenset()
    description: str = ""
    description_sv: str = ""
    speed_model: str = DEFAULT_SPEED_MODEL
    speed_model_overrides: Mapping[str, Any] = field(default_factory=dict)


def _speed_model(raw: Any, models: Sequence[str] | None, path: v.Origin, key: str) -> tuple[str, dict[str, Any]]:
    """``speed_model``: a model name, or a mapping ``{base: name, <override>: value}``."""
    if raw is None:
        return DEFAULT_SPEED_MODEL, {}
    names = tuple(models) if models is not None else None
    if isinstance(raw, str):
        return (v.choice(raw, names, path, key, "a speed model") if names else raw), {}
    v.mapping(raw, path, key, "a speed model name or a mapping {base: name, operating_speed: ..., ...}")
    v.check_keys(raw, SPEED_MODEL_KEYS, path, key)
    base = raw.get("base", DEFAULT_SPEED_MODEL)
    if names:
        base = v.choice(base, names, path, v.join(key, "base"), "a speed model")
    out: dict[str, Any] = {}
    if "operating_speed" in raw:
        table = raw["operating_speed"]
        tkey = v.join(key, "operating_speed")
        v.mapping(table, path, tkey, "a mapping signed limit km/h: average speed km/h")
        pairs = []
        for limit, speed in (table or {}).items():
            lim = v.number(limit, path, v.join(tkey, limit), low=0, low_open=True, high=150)
            pairs.append((lim, v.number(speed, path, v.join(tkey, limit), low=0, low_open=True, high=150)))
        pairs.sort()
        if not pairs:
            raise v.fail(path, tkey, "empty table", "give at least one pair, e.g. {90: 84}")
        for (l1, s1), (l2, s2) in zip(pairs, pairs[1:], strict=False):
            if s2 < s1:
                raise v.fail(path, v.join(tkey, l2), f"{s2:g} km/h is below {s1:g} km/h at limit {l1:g}",
                             "average speeds must not fall as the limit rises")
        out["operating_speed"] = tuple(pairs)
    if "built_up_max_kph" in raw:
        out["built_up_max_kph"] = v.number(raw["built_up_max_kph"], path, v.join(key, "built_up_max_kph"),
                                           low=0, high=150)
    if "built_up_factor" in raw:
        out["built_up_factor"] = v.number(raw["built_up_factor"], path, v.join(key, "built_up_factor"),
                                          low=0, low_open=True, high=1.5)
    if "junction_delay_s" in raw:
        out["junction_delay_s"] = v.number(raw["junction_delay_s"], path, v.join(key, "junction_delay_s"),
                                           low=0, high=600)
    return base, out


def _factors(raw: Any, valid: Sequence[str] | None, path: v.Origin, key: str) -> dict[str, float]:
    raw = {} if raw is None else raw
    v.mapping(raw, path, key, "a mapping class: factor")
    out = {}
    for cls, value in raw.items():
        if valid is not None and cls not in valid:
            raise v.fail(path, v.join(key, cls), f"{v.short(cls)} is not known", f"use one of: {', '.join(valid)}")
        out[str(cls)] = v.number(value, path, v.join(key, cls), low=0, low_open=True, high=1.5)
    return out


def parse_season(
    name: str, data: Any, path: v.Origin = None, *, road_classes: Sequence[str] | None = None, key: str | None = None,
    speed_models: Sequence[str] | None = None,
) -> SeasonSpec:
    """Validate one profile mapping.

    Parameters
    ----------
    name
        Profile name.
    data
        The mapping (as in ``seasons.yaml``).
    path
        The file it came from (for messages).
    road_classes
        Road classes ``factors`` and ``closed`` may name (unchecked when ``None``).
    key
        Key path of the profile (default: its name).
    speed_models
        Names ``speed_model`` may use (unchecked when ``None``).
    """
    key = name if key is None else key
    v.mapping(data, path, key)
    v.check_keys(data, SEASON_KEYS, path, key)
    closed = data.get("closed") or []
    allowed = f"give a list of road classes ({', '.join(road_classes)})" if road_classes else "give a list"
    if not isinstance(closed, list):
        raise v.fail(path, v.join(key, "closed"), f"got {v.short(closed)}", allowed)
    for i, c in enumerate(closed):
        if road_classes is not None and c not in road_classes:
            raise v.fail(path, v.join(key, f"closed[{i}]"), f"{v.short(c)} is not a road class", allowed)
    model, overrides = _speed_model(data.get("speed_model"), speed_models, path, v.join(key, "speed_model"))
    return SeasonSpec(
        name=name,
        factors=_factors(data.get("factors"), road_classes, path, v.join(key, "factors")),
        surface_factors=_factors(data.get("surface_factors"), SURFACES, path, v.join(key, "surface_factors")),
        closed=frozenset(str(c) for c in closed),
        description=v.opt_text(data.get("description"), path, v.join(key, "description")) or "",
        description_sv=v.opt_text(data.get("description_sv"), path, v.join(key, "description_sv")) or "",
        speed_model=model,
        speed_model_overrides=overrides,
    )


def parse_seasons(
    data: Any, path: str | Path | None = None, *, road_classes: Sequence[str] | None = None,
    speed_models: Sequence[str] | None = None,
) -> dict[str, SeasonSpec]:
    """Validate a seasons document: ``{name: profile}``.

    Parameters
    ----------
    data
        The YAML document.
    path
        The file it came from.
    road_classes
        Road classes profiles may name (unchecked when ``None``).
    speed_models
        Speed model names profiles may use (unchecked when ``None``).
    """
    v.mapping(data, path, "", "a mapping profile name: profile")
    if not data:
        raise v.fail(path, "", "no profiles", "give at least one, e.g. summer")
    return {
        v.ident(name, path, str(name)): parse_season(name, spec, path, road_classes=road_classes,
                                                     speed_models=speed_models)
        for name, spec in data.items()
    }
