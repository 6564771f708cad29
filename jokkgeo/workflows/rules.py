"""The one place that resolves rule files and their defaults.

Every workflow (CLI, report recipe, scenario comparison) gets its
:class:`~jokkgeo.config.rules.RuleSet` here: ``None`` means the packaged rules
(:func:`jokkgeo.io.configs.load_rules`); a path from a config file is resolved against
the project folder and checked (:func:`jokkgeo.io.paths.resolve_path`); a path given
on the command line is used as given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jokkgeo.errors import CatalogueError

ZONES_LAYER = "reindeer_samebyar"
"""The samebyar layer: zones of the influence shares and of the conflicts' per-sameby summary."""


def resolve_rules(path: str | Path | None = None, *, root: Path | None = None, origin: str = "rules",
                  allow_outside: bool = False) -> Any:
    """The rule set of ``path`` (default: the packaged rules).

    Parameters
    ----------
    path
        A rules YAML; ``None`` for the packaged defaults.
    root
        Project folder a path from a config file is resolved against (and confined to unless
        ``allow_outside``); ``None`` uses ``path`` as given (a command-line argument).
    origin
        File and key named in errors (e.g. ``maps/x.yaml: key 'analyses[0]'.rules``).
    allow_outside
        Let a config path point outside ``root``.
    """
    from jokkgeo.io.configs import load_rules

    if path is None:
        return load_rules()
    if root is None:
        return load_rules(path)
    from jokkgeo.io.paths import YAML_SUFFIXES, resolve_path

    return load_rules(resolve_path(str(path), root=root, origin=origin, allow_outside=allow_outside,
                                   suffixes=YAML_SUFFIXES, must_exist=True))


def merge_rules(rules: Any, more: Any, *, origin: str | Path) -> Any:
    """``rules`` plus the rules, surfaces, references and caveats of ``more`` (ids must not clash).

    Parameters
    ----------
    rules
        The base rule set.
    more
        Rules to add.
    origin
        File named when ids clash.
    """
    ids = {r.id for r in rules.rules} | {s.id for s in rules.surfaces}
    clash = sorted(({r.id for r in more.rules} | {s.id for s in more.surfaces}) & ids)
    if clash:
        raise CatalogueError(f"{origin}: rule ids {', '.join(clash)} already exist in the base rules")
    return dataclasses.replace(
        rules,
        rules=rules.rules + more.rules,
        surfaces=rules.surfaces + more.surfaces,
        references={**rules.references, **more.references},
        caveats=rules.caveats + tuple(c for c in more.caveats if c not in rules.caveats),
        caveats_en=rules.caveats_en + tuple(c for c in more.caveats_en if c not in rules.caveats_en),
    )


def rule_layer_ids(catalogue: Mapping[str, Any], rules: Any) -> list[str]:
    """Ids of the catalogue layers any rule, surface or crossing of ``rules`` selects.

    Parameters
    ----------
    catalogue
        Layer id -> spec.
    rules
        A :class:`~jokkgeo.config.rules.RuleSet`.
    """
    themes = {lid: spec.theme for lid, spec in catalogue.items() if spec.geometry_type != "Raster"}
    selectors = [s for r in rules.rules for s in (r.development, r.sensitive)]
    selectors += [s.development for s in rules.surfaces]
    if rules.crossings is not None:
        selectors += [*rules.crossings.infrastructure, rules.crossings.routes]
    ids = {lid for sel in selectors for lid in sel.layer_ids(themes)}
    return sorted(ids)


def rules_apply(rules: Any, layer_ids: Sequence[str], catalogue: Mapping[str, Any]) -> bool:
    """True when at least one conflict rule pairs two of ``layer_ids`` (by layer or theme).

    Parameters
    ----------
    rules
        A :class:`~jokkgeo.config.rules.RuleSet`.
    layer_ids
        Ids of the layers present.
    catalogue
        Layer id -> spec (themes).
    """
    themes = {lid: catalogue[lid].theme for lid in layer_ids}
    return any(r.development.layer_ids(themes) and r.sensitive.layer_ids(themes) for r in rules.rules)


def skipped_rules(rules: Any, layer_ids: Sequence[str], catalogue: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(rule id, which side had no layer)`` for every conflict rule that had nothing to run on.

    Parameters
    ----------
    rules
        A :class:`~jokkgeo.config.rules.RuleSet`.
    layer_ids
        Ids of the layers present.
    catalogue
        Layer id -> spec (themes).
    """
    themes = {lid: catalogue[lid].theme for lid in layer_ids}
    out = []
    for r in rules.rules:
        dev, sens = r.development.layer_ids(themes), r.sensitive.layer_ids(themes)
        if not dev or not sens:
            out.append((r.id, "development" if not dev and sens else "sensitive" if dev else "development+sensitive"))
    return out


__all__ = ["merge_rules", "resolve_rules", "rule_layer_ids", "rules_apply", "skipped_rules"]
