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

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jokkgeo.config import _validate as v
from jokkgeo.config.layers import THEMES
from jokkgeo.errors import CatalogueError

DECAY_SHAPES: tuple[str, ...] = ("step", "linear", "exponential", "gaussian")
SEVERITIES: tuple[str, ...] = ("major", "moderate", "minor")
"""Severity classes, worst first."""
SEVERITY_RANK: dict[str, int] = {"major": 3, "moderate": 2, "minor": 1}
"""Numeric rank (higher is worse) for sorting; 0 means no conflict."""

RULE_KEYS: frozenset[str] = frozenset(
    {"id", "development", "sensitive", "zones_m", "decay", "severity", "reference", "note"}
)
"""Keys of one ``rules`` entry."""
SELECTOR_KEYS: frozenset[str] = frozenset({"layer", "theme", "where"})
"""Keys of a layer selector (``development``, ``sensitive``, ``routes`` …)."""
SURFACE_KEYS: frozenset[str] = frozenset({"id", "development", "radius_m", "decay", "reference", "note"})
"""Keys of one ``surfaces`` entry."""
CROSSING_KEYS: frozenset[str] = frozenset({"infrastructure", "routes", "reference", "note"})
"""Keys of ``crossings``."""
RULES_FILE_KEYS: frozenset[str] = frozenset(
    {"version", "references", "rules", "surfaces", "crossings", "caveats", "caveats_en"}
)
"""Top-level keys of a rules file."""


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
        """Layer ids selected, given a mapping layer id -> theme (sorted, stable).

        Parameters
        ----------
        themes
            Layer id -> theme of every available layer.
        """
        if self.layer is not None:
            return [self.layer] if self.layer in themes else []
        return sorted(lid for lid, theme in themes.items() if theme == self.theme)

    def describe(self) -> str:
        """A short text of the selection (``theme roads where type in ['wind']``)."""
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
        """The zone-of-influence radius (the largest zone limit), metres."""
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
        """The rule file's caveats in ``language`` (falls back to Swedish).

        Parameters
        ----------
        language
            ``sv`` or ``en``.
        """
        return list(self.caveats_en if language == "en" and self.caveats_en else self.caveats)

    def rule(self, rule_id: str) -> ConflictRule:
        """The rule with id ``rule_id``.

        Parameters
        ----------
        rule_id
            A rule id; an unknown id raises :class:`~jokkgeo.errors.CatalogueError` listing the ids.
        """
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise CatalogueError(f"{self.path}: no rule '{rule_id}'; available: {', '.join(r.id for r in self.rules)}")


def _selector(path: Path | str, key: str, raw: Any) -> LayerSelector:
    if isinstance(raw, str):
        raw = {"layer": raw}
    v.mapping(raw, path, key, "a mapping with 'layer' or 'theme'")
    v.check_keys(raw, SELECTOR_KEYS, path, key)
    layer, theme = raw.get("layer"), raw.get("theme")
    if (layer is None) == (theme is None):
        raise v.fail(path, key, "needs exactly one of 'layer' and 'theme'",
                     "give 'layer' (a layer id) or 'theme' (a theme name)")
    if layer is not None:
        v.ident(layer, path, f"{key}.layer")
    if theme is not None:
        v.choice(theme, THEMES, path, f"{key}.theme", "a theme")
    return LayerSelector(layer=layer, theme=theme, where=v.value_filter(raw.get("where"), path, f"{key}.where"))


def _positive(path: Path | str, key: str, value: Any) -> float:
    return v.positive(value, path, key, "a positive distance in metres")


def _reference(path: Path | str, key: str, value: Any, references: Mapping[str, str]) -> tuple[str, str]:
    if not isinstance(value, str) or value not in references:
        raise v.fail(path, key, f"{v.short(value)} is not a key of 'references'",
                     f"use one of: {', '.join(sorted(references))}")
    return value, references[value]


def _items(data: Mapping[str, Any], key: str, path: Path | str, *, required: bool) -> list[Any]:
    raw = data.get(key)
    if raw is None and not required:
        return []
    if not isinstance(raw, list) or (required and not raw):
        raise v.fail(path, key, "missing or empty" if not raw else f"expected a list, got {v.short(raw)}",
                     f"give a list of {key}")
    return raw


def parse_rules(data: Any, path: Path | str = "<rules>") -> RuleSet:
    """Validate a parsed rules document and return a :class:`RuleSet`.

    Parameters
    ----------
    data
        The YAML document (a mapping).
    path
        The file it came from (named in errors).

    Raises
    ------
    jokkgeo.errors.CatalogueError
        Naming the file and the key (e.g. ``rules[2].zones_m``) that is wrong.

    Examples
    --------
    >>> rs = parse_rules({"references": {"r": "Ref 2020"}, "rules": [{"id": "a",
    ...     "development": {"theme": "roads"}, "sensitive": {"layer": "x"}, "zones_m": [100, 500],
    ...     "decay": "linear", "severity": "major", "reference": "r"}]})
    >>> rs.rule("a").radius_m
    500.0
    """
    v.mapping(data, path, "", "a mapping with 'references' and 'rules'")
    v.check_keys(data, RULES_FILE_KEYS, path)
    if data.get("version", 1) != 1:
        raise v.fail(path, "version", f"version {v.short(data.get('version'))} is not supported", "use version: 1")
    refs_raw = data.get("references")
    if not isinstance(refs_raw, Mapping) or not refs_raw:
        raise v.fail(path, "references", "missing or empty", "give a mapping key: full citation")
    references: dict[str, str] = {}
    for k, val in refs_raw.items():
        v.ident(k, path, f"references.{k}")
        references[k] = v.text_value(val, path, f"references.{k}", nonempty=True).strip()

    rules: list[ConflictRule] = []
    seen: set[str] = set()
    for i, raw in enumerate(_items(data, "rules", path, required=True)):
        key = f"rules[{i}]"
        v.mapping(raw, path, key)
        v.check_keys(raw, RULE_KEYS, path, key)
        v.require(raw, ("id", "development", "sensitive", "zones_m", "decay", "severity", "reference"), path, key)
        rid = v.ident(raw["id"], path, f"{key}.id")
        key = f"rules[{i}] ({rid})"
        if rid in seen:
            raise v.fail(path, f"{key}.id", f"'{rid}' is used by another rule", "ids must be unique")
        seen.add(rid)
        zones = raw["zones_m"] if isinstance(raw["zones_m"], list) else [raw["zones_m"]]
        if not zones:
            raise v.fail(path, f"{key}.zones_m", "empty list", "give at least one distance in metres")
        zones_f = tuple(_positive(path, f"{key}.zones_m", z) for z in zones)
        if any(b <= a for a, b in zip(zones_f, zones_f[1:], strict=False)):
            raise v.fail(path, f"{key}.zones_m", f"distances {v.short(zones)} are not strictly ascending",
                         "list the zone limits from the nearest to the farthest")
        ref, cit = _reference(path, f"{key}.reference", raw["reference"], references)
        rules.append(
            ConflictRule(
                id=rid,
                development=_selector(path, f"{key}.development", raw["development"]),
                sensitive=_selector(path, f"{key}.sensitive", raw["sensitive"]),
                zones_m=zones_f,
                decay=v.choice(raw["decay"], DECAY_SHAPES, path, f"{key}.decay", "a decay shape"),
                severity=v.choice(raw["severity"], SEVERITIES, path, f"{key}.severity", "a severity"),
                reference=ref,
                citation=cit,
                note=v.opt_text(raw.get("note"), path, f"{key}.note"),
            )
        )

    surfaces: list[SurfaceRule] = []
    seen = set()
    for i, raw in enumerate(_items(data, "surfaces", path, required=False)):
        key = f"surfaces[{i}]"
        v.mapping(raw, path, key)
        v.check_keys(raw, SURFACE_KEYS, path, key)
        v.require(raw, ("id", "development", "radius_m", "decay", "reference"), path, key)
        sid = v.ident(raw["id"], path, f"{key}.id")
        if sid in seen or sid == "combined":
            raise v.fail(path, f"{key}.id", f"'{sid}' is used twice or reserved ('combined')", "choose another id")
        seen.add(sid)
        ref, cit = _reference(path, f"{key}.reference", raw["reference"], references)
        surfaces.append(
            SurfaceRule(
                id=sid,
                development=_selector(path, f"{key}.development", raw["development"]),
                radius_m=_positive(path, f"{key}.radius_m", raw["radius_m"]),
                decay=v.choice(raw["decay"], DECAY_SHAPES, path, f"{key}.decay", "a decay shape"),
                reference=ref,
                citation=cit,
                note=v.opt_text(raw.get("note"), path, f"{key}.note"),
            )
        )

    crossing: CrossingRule | None = None
    cross_raw = data.get("crossings")
    if cross_raw is not None:
        v.mapping(cross_raw, path, "crossings", "a mapping with 'infrastructure', 'routes', 'reference'")
        v.check_keys(cross_raw, CROSSING_KEYS, path, "crossings")
        v.require(cross_raw, ("infrastructure", "routes", "reference"), path, "crossings")
        infra = cross_raw["infrastructure"]
        if not isinstance(infra, list) or not infra:
            raise v.fail(path, "crossings.infrastructure", f"got {v.short(infra)}", "give a list of layer selectors")
        ref, cit = _reference(path, "crossings.reference", cross_raw["reference"], references)
        crossing = CrossingRule(
            infrastructure=tuple(_selector(path, f"crossings.infrastructure[{i}]", s) for i, s in enumerate(infra)),
            routes=_selector(path, "crossings.routes", cross_raw["routes"]),
            reference=ref,
            citation=cit,
            note=v.opt_text(cross_raw.get("note"), path, "crossings.note"),
        )
    return RuleSet(
        rules=tuple(rules),
        surfaces=tuple(surfaces),
        crossings=crossing,
        references=references,
        caveats=v.text_list(data.get("caveats"), path, "caveats"),
        caveats_en=v.text_list(data.get("caveats_en"), path, "caveats_en"),
        path=Path(path) if not isinstance(path, Path) else path,
    )
