"""Conflict rules: parse and validate the zone-of-influence rules file (YAML).

A rules file pairs *development* layers (mine, wind power, roads, power lines,
housing land …) with *sensitive* layers (reindeer herding, protected areas …)
and gives, for each pair, the zone of influence, its decay shape, a severity
class and the literature reference it comes from. The packaged defaults live in
``jokkgeo/rules/conflicts.yaml`` (read by :func:`jokkgeo.io.configs.load_rules`); copy that
file, edit it and pass it with ``jokkgeo conflicts --rules FILE``. Parsing reads no file.

File layout::

    version: 1
    references:                      # key -> full citation, printed wherever used
      eftestol2021: "Eftestøl et al. 2021, Landscape Ecology …"
    rules:
      - id: roads_reindeer_strong    # letters, digits, '_' or '-'; unique
        development: {theme: roads}  # or {layer: roads}; optional where: {type: [wind]}
        sensitive: {theme: reindeer_herding}
        zones_m: [250, 1000]         # one or several distances in metres, ascending
        decay: linear                # step | linear | exponential | gaussian
        severity: major              # major | moderate | minor
        reference: eftestol2021      # a key of ``references``
        note: "…"                   # optional free text
    surfaces:                        # influence rasters per development theme
      - id: roads
        development: {theme: roads}
        radius_m: 3000
        decay: exponential
        reference: eftestol2021
    crossings:                       # linear infrastructure × migration routes
      infrastructure: [{layer: roads}, {layer: rail}, {layer: power_lines}]
      routes: {layer: reindeer_migration_routes}
      reference: domain_railways

The decay shapes are described in :mod:`jokkgeo.analysis.decay`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jokkgeo.catalogue import THEMES
from jokkgeo.errors import CatalogueError

DECAY_SHAPES: tuple[str, ...] = ("step", "linear", "exponential", "gaussian")
SEVERITIES: tuple[str, ...] = ("major", "moderate", "minor")
"""Severity classes, worst first."""
SEVERITY_RANK: dict[str, int] = {"major": 3, "moderate": 2, "minor": 1}
"""Numeric rank (higher is worse) for sorting; 0 means no conflict."""

_RULE_KEYS = frozenset({"id", "development", "sensitive", "zones_m", "decay", "severity", "reference", "note"})
_SELECTOR_KEYS = frozenset({"layer", "theme", "where"})
_SURFACE_KEYS = frozenset({"id", "development", "radius_m", "decay", "reference", "note"})
_CROSSING_KEYS = frozenset({"infrastructure", "routes", "reference", "note"})
_TOP_KEYS = frozenset({"version", "references", "rules", "surfaces", "crossings", "caveats", "caveats_en"})


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class LayerSelector:
    """Which features a rule uses: one layer id or every layer of a theme, optionally filtered.

    ``where`` maps a column to accepted values (equality / membership; never evaluated).
    """

    layer: str | None = None
    theme: str | None = None
    where: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)

    def layer_ids(self, themes: Mapping[str, str]) -> list[str]:
        """Layer ids selected, given a mapping layer id -> theme (sorted, stable)."""
        if self.layer is not None:
            return [self.layer] if self.layer in themes else []
        return sorted(lid for lid, theme in themes.items() if theme == self.theme)

    def describe(self) -> str:
        base = f"layer {self.layer}" if self.layer else f"theme {self.theme}"
        if self.where:
            base += " where " + ", ".join(f"{k} in {list(v)}" for k, v in self.where.items())
        return base


@dataclass(frozen=True)
class ConflictRule:
    """One development × sensitive pair with its zone of influence.

    ``zones_m`` are ascending band limits in metres; the largest is the zone-of-influence
    radius used by the decay shape. ``citation`` is the full reference text.
    """

    id: str
    development: LayerSelector
    sensitive: LayerSelector
    zones_m: tuple[float, ...]
    decay: str
    severity: str
    reference: str
    citation: str
    note: str | None = None

    @property
    def radius_m(self) -> float:
        return self.zones_m[-1]


@dataclass(frozen=True)
class SurfaceRule:
    """Influence surface of one development source (``id`` names the output raster)."""

    id: str
    development: LayerSelector
    radius_m: float
    decay: str
    reference: str
    citation: str
    note: str | None = None


@dataclass(frozen=True)
class CrossingRule:
    """Which linear infrastructure is crossed with which migration routes."""

    infrastructure: tuple[LayerSelector, ...]
    routes: LayerSelector
    reference: str
    citation: str
    note: str | None = None


@dataclass(frozen=True)
class RuleSet:
    """A validated rules file."""

    rules: tuple[ConflictRule, ...]
    surfaces: tuple[SurfaceRule, ...]
    crossings: CrossingRule | None
    references: Mapping[str, str]
    caveats: tuple[str, ...]
    caveats_en: tuple[str, ...]
    path: Path | None = None

    def caveat_texts(self, language: str = "sv") -> list[str]:
        return list(self.caveats_en if language == "en" and self.caveats_en else self.caveats)

    def rule(self, rule_id: str) -> ConflictRule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise CatalogueError(f"{self.path}: no rule '{rule_id}'; available: {', '.join(r.id for r in self.rules)}")


def _fail(path: Path | str, key: str, problem: str) -> CatalogueError:
    return CatalogueError(f"{path}: key '{key}': {problem}")


def _check_keys(path: Path | str, prefix: str, mapping: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for key in mapping:
        if key not in allowed:
            raise _fail(path, f"{prefix}{key}", f"unknown key; allowed keys are: {', '.join(sorted(allowed))}")


def _ident(path: Path | str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value or not value.replace("_", "").replace("-", "").isalnum():
        raise _fail(path, key, f"expected an id of letters, digits, '_' or '-', got {value!r}")
    return value


def _selector(path: Path | str, key: str, raw: Any) -> LayerSelector:
    if isinstance(raw, str):
        raw = {"layer": raw}
    if not isinstance(raw, Mapping):
        raise _fail(path, key, f"expected a mapping with 'layer' or 'theme', got {raw!r}")
    _check_keys(path, f"{key}.", raw, _SELECTOR_KEYS)
    layer, theme = raw.get("layer"), raw.get("theme")
    if (layer is None) == (theme is None):
        raise _fail(path, key, "give exactly one of 'layer' (a layer id) or 'theme' (a theme name)")
    if layer is not None:
        _ident(path, f"{key}.layer", layer)
    if theme is not None and theme not in THEMES:
        raise _fail(path, f"{key}.theme", f"'{theme}' is not a theme; use one of: {', '.join(THEMES)}")
    where_raw = raw.get("where") or {}
    if not isinstance(where_raw, Mapping):
        raise _fail(path, f"{key}.where", f"expected a mapping column: value or [values], got {where_raw!r}")
    where = {str(k): tuple(v) if isinstance(v, list) else (v,) for k, v in where_raw.items()}
    return LayerSelector(layer=layer, theme=theme, where=where)


def _positive(path: Path | str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise _fail(path, key, f"expected a positive distance in metres, got {value!r}")
    return float(value)


def _choice(path: Path | str, key: str, value: Any, choices: Sequence[str]) -> str:
    if value not in choices:
        raise _fail(path, key, f"{value!r} is not one of: {', '.join(choices)}")
    return str(value)


def _reference(path: Path | str, key: str, value: Any, references: Mapping[str, str]) -> tuple[str, str]:
    if not isinstance(value, str) or value not in references:
        raise _fail(path, key, f"{value!r} is not a key of 'references' ({', '.join(sorted(references))})")
    return value, references[value]


def _opt_text(path: Path | str, key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(path, key, f"expected text, got {value!r}")
    return value


def _text_list(path: Path | str, key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, key, "expected a list of texts")
    return tuple(value)


def parse_rules(data: Any, path: Path | str = "<rules>") -> RuleSet:
    """Validate a parsed rules document and return a :class:`RuleSet`.

    Raises
    ------
    jokkgeo.errors.CatalogueError
        Naming the file and the key (e.g. ``rules[2].zones_m``) that is wrong.
    """
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{path}: expected a mapping with 'references' and 'rules', got {type(data).__name__}")
    _check_keys(path, "", data, _TOP_KEYS)
    if data.get("version", 1) != 1:
        raise _fail(path, "version", f"only version 1 is supported, got {data.get('version')!r}")
    refs_raw = data.get("references")
    if not isinstance(refs_raw, Mapping) or not refs_raw:
        raise _fail(path, "references", "missing or empty; give a mapping key: full citation")
    references: dict[str, str] = {}
    for k, v in refs_raw.items():
        _ident(path, f"references.{k}", k)
        if not isinstance(v, str) or not v.strip():
            raise _fail(path, f"references.{k}", "expected the citation text")
        references[k] = v.strip()

    rules_raw = data.get("rules")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise _fail(path, "rules", "missing or empty; give a list of rules")
    rules: list[ConflictRule] = []
    seen: set[str] = set()
    for i, raw in enumerate(rules_raw):
        key = f"rules[{i}]"
        if not isinstance(raw, Mapping):
            raise _fail(path, key, f"expected a mapping, got {raw!r}")
        _check_keys(path, f"{key}.", raw, _RULE_KEYS)
        for req in ("id", "development", "sensitive", "zones_m", "decay", "severity", "reference"):
            if raw.get(req) is None:
                raise _fail(path, f"{key}.{req}", "missing (required)")
        rid = _ident(path, f"{key}.id", raw["id"])
        key = f"rules[{i}] ({rid})"
        if rid in seen:
            raise _fail(path, f"{key}.id", f"'{rid}' is used by another rule; ids must be unique")
        seen.add(rid)
        zones = raw["zones_m"]
        if not isinstance(zones, list):
            zones = [zones]
        if not zones:
            raise _fail(path, f"{key}.zones_m", "give at least one distance in metres")
        zones_f = tuple(_positive(path, f"{key}.zones_m", z) for z in zones)
        if any(b <= a for a, b in zip(zones_f, zones_f[1:])):
            raise _fail(path, f"{key}.zones_m", f"distances must be strictly ascending, got {list(zones)}")
        ref, cit = _reference(path, f"{key}.reference", raw["reference"], references)
        rules.append(
            ConflictRule(
                id=rid,
                development=_selector(path, f"{key}.development", raw["development"]),
                sensitive=_selector(path, f"{key}.sensitive", raw["sensitive"]),
                zones_m=zones_f,
                decay=_choice(path, f"{key}.decay", raw["decay"], DECAY_SHAPES),
                severity=_choice(path, f"{key}.severity", raw["severity"], SEVERITIES),
                reference=ref,
                citation=cit,
                note=_opt_text(path, f"{key}.note", raw.get("note")),
            )
        )

    surfaces: list[SurfaceRule] = []
    surf_raw = data.get("surfaces") or []
    if not isinstance(surf_raw, list):
        raise _fail(path, "surfaces", "expected a list")
    seen = set()
    for i, raw in enumerate(surf_raw):
        key = f"surfaces[{i}]"
        if not isinstance(raw, Mapping):
            raise _fail(path, key, f"expected a mapping, got {raw!r}")
        _check_keys(path, f"{key}.", raw, _SURFACE_KEYS)
        for req in ("id", "development", "radius_m", "decay", "reference"):
            if raw.get(req) is None:
                raise _fail(path, f"{key}.{req}", "missing (required)")
        sid = _ident(path, f"{key}.id", raw["id"])
        if sid in seen or sid == "combined":
            raise _fail(path, f"{key}.id", f"'{sid}' is used twice or reserved ('combined')")
        seen.add(sid)
        ref, cit = _reference(path, f"{key}.reference", raw["reference"], references)
        surfaces.append(
            SurfaceRule(
                id=sid,
                development=_selector(path, f"{key}.development", raw["development"]),
                radius_m=_positive(path, f"{key}.radius_m", raw["radius_m"]),
                decay=_choice(path, f"{key}.decay", raw["decay"], DECAY_SHAPES),
                reference=ref,
                citation=cit,
                note=_opt_text(path, f"{key}.note", raw.get("note")),
            )
        )

    crossing: CrossingRule | None = None
    cross_raw = data.get("crossings")
    if cross_raw is not None:
        if not isinstance(cross_raw, Mapping):
            raise _fail(path, "crossings", "expected a mapping with 'infrastructure', 'routes', 'reference'")
        _check_keys(path, "crossings.", cross_raw, _CROSSING_KEYS)
        for req in ("infrastructure", "routes", "reference"):
            if cross_raw.get(req) is None:
                raise _fail(path, f"crossings.{req}", "missing (required)")
        infra = cross_raw["infrastructure"]
        if not isinstance(infra, list) or not infra:
            raise _fail(path, "crossings.infrastructure", "expected a list of layer selectors")
        ref, cit = _reference(path, "crossings.reference", cross_raw["reference"], references)
        crossing = CrossingRule(
            infrastructure=tuple(_selector(path, f"crossings.infrastructure[{i}]", s) for i, s in enumerate(infra)),
            routes=_selector(path, "crossings.routes", cross_raw["routes"]),
            reference=ref,
            citation=cit,
            note=_opt_text(path, "crossings.note", cross_raw.get("note")),
        )
    return RuleSet(
        rules=tuple(rules),
        surfaces=tuple(surfaces),
        crossings=crossing,
        references=references,
        caveats=_text_list(path, "caveats", data.get("caveats")),
        caveats_en=_text_list(path, "caveats_en", data.get("caveats_en")),
        path=Path(path) if not isinstance(path, Path) else path,
    )
