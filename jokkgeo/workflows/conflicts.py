"""Land-use conflicts of development against sensitive layers: the one workflow.

Used by ``jokkgeo conflicts`` (every layer the rules select, plus housing screening),
the report's ``conflicts`` and ``screening`` recipe types (chosen layers) and, through
the same rule resolution (:mod:`jokkgeo.workflows.rules`), the scenario comparison.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jokkgeo.study.store import LayerStore
from jokkgeo.workflows.rules import ZONES_LAYER, rule_layer_ids, rules_apply, skipped_rules

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConflictOptions:
    """How a conflict run is computed (engine knobs as :func:`jokkgeo.analysis.conflicts.conflicts`)."""

    engine: str = "local"
    scheduler: str | None = None
    n_workers: int = 2
    n_jobs: int | None = None
    with_crossings: bool = True
    language: str = "sv"
    screen_housing: bool = False
    """Also screen the ``housing_land`` layer (when present) against the conflicts."""
    travel_times: Path | None = None
    """CSV of minutes from each housing area to each employer (first column: housing area id)."""


@dataclass
class ConflictRun:
    """The result of :func:`run_conflicts`."""

    rules: Any
    layer_ids: list[str]
    result: Any = None
    """:class:`jokkgeo.analysis.conflicts.ConflictResult`, or ``None`` when no rule applies."""
    screening: Any = None
    """:class:`jokkgeo.analysis.screening.ScreeningResult` of the housing land (``screen_housing``)."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """``(rule id, missing side)`` of rules that had no layer to run on."""


def load_rule_layers(store: LayerStore | Mapping[str, Any], rules: Any, *,
                     extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every catalogue layer the rules need (plus ``extra`` ids present), read through ``store``.

    ``store`` may also be a catalogue (a store is then made for this call).

    Parameters
    ----------
    store
        The layers of the run, or a catalogue.
    rules
        A :class:`~jokkgeo.config.rules.RuleSet`.
    extra
        More layer ids to load when the catalogue has them.
    """
    from jokkgeo._progress import progress

    if not isinstance(store, LayerStore):
        store = LayerStore(store)

    ids = sorted(set(rule_layer_ids(store.catalogue, rules)) | {e for e in extra if store.has(e)})
    out: dict[str, Any] = {}
    for lid in progress(ids, total=len(ids), desc="reading layers"):
        loaded = store.loaded(lid)
        rep = loaded.report
        fixes = {k: getattr(rep, k, 0) for k in ("n_null_dropped", "n_empty_dropped", "n_repaired", "n_filtered")}
        if any(fixes.values()):
            log.warning("layer %s: %s", lid, ", ".join(f"{k[2:]}={v}" for k, v in fixes.items() if v))
        out[lid] = loaded
    return out


def read_travel_times(path: Path, housing: Any, *, root: Path) -> pd.DataFrame:
    """The travel-time CSV of the housing screening, indexed like ``housing``.

    Parameters
    ----------
    path
        The CSV given with ``--travel-times`` (first column: housing feature id).
    housing
        The housing-land layer.
    root
        Project folder the path is resolved against.
    """
    from jokkgeo.analysis._common import feature_ids
    from jokkgeo.errors import AnalysisError
    from jokkgeo.io.csvfile import read_table
    from jokkgeo.io.paths import resolve_path

    tt_file = resolve_path(str(path), root=root, origin="--travel-times", allow_outside=True,
                           suffixes=(".csv",), must_exist=True)
    tt = read_table(tt_file, index_col=0)
    ids, id_col = feature_ids(housing)
    by_id = {v: k for k, v in zip(ids.index, ids, strict=True)}
    unknown = [str(v) for v in tt.index if str(v) not in by_id]
    if unknown:
        raise AnalysisError(f"--travel-times {path}: ids {unknown[:5]} are not housing areas "
                            f"(first column must hold the housing layer's {id_col})")
    tt.index = [by_id[str(v)] for v in tt.index]
    return tt


def run_conflicts(store: LayerStore, rules: Any, options: ConflictOptions = ConflictOptions(), *,
                  layers: Mapping[str, Any] | None = None, root: Path | None = None,
                  on_step: Callable[[str], None] | None = None) -> ConflictRun:
    """Conflicts under ``rules`` between the given layers (default: every layer the rules select).

    Parameters
    ----------
    store
        The layers of the run.
    rules
        A :class:`~jokkgeo.config.rules.RuleSet` (see :func:`jokkgeo.workflows.rules.resolve_rules`).
    options
        Engine, crossings, language and housing screening.
    layers
        Layer id -> GeoDataFrame or LoadedLayer (e.g. filtered by a recipe); ``None`` reads every layer the
        rules select. With explicit layers of which no rule pairs two, nothing runs (``result`` is ``None``).
    root
        Project folder (for ``options.travel_times``).
    on_step
        Called with a one-line progress message (the CLI echoes it to stderr on a terminal).
    """
    from jokkgeo.analysis.conflicts import conflicts

    chosen = dict(layers) if layers is not None else load_rule_layers(store, rules)
    run = ConflictRun(rules=rules, layer_ids=list(chosen), skipped=skipped_rules(rules, list(chosen), store.catalogue))
    if layers is not None and not rules_apply(rules, list(chosen), store.catalogue):
        return run  # chosen layers that no rule pairs: nothing to run
    from jokkgeo.i18n import text

    (on_step or log.info)(text("cli.read_layers", options.language, n=len(chosen), rules=len(rules.rules),
                               engine=options.engine))
    engine_kw: dict[str, Any] = {}
    if options.engine != "local" or options.n_jobs is not None:
        engine_kw = dict(engine=options.engine, scheduler=options.scheduler, n_workers=options.n_workers,
                         n_jobs=options.n_jobs)
    run.result = conflicts(chosen, rules, specs=store.catalogue, language=options.language,
                           with_crossings=options.with_crossings,
                           sameby_layer=ZONES_LAYER if ZONES_LAYER in chosen else None, **engine_kw)
    if options.screen_housing and "housing_land" in chosen:
        from jokkgeo.analysis.screening import screen_housing

        housing = store.layer("housing_land")
        tt = read_travel_times(options.travel_times, housing, root=root or Path.cwd()) if options.travel_times else None
        run.screening = screen_housing(housing, conflicts=run.result, travel_times=tt, housing_layer="housing_land")
    return run


__all__ = ["ConflictOptions", "ConflictRun", "load_rule_layers", "read_travel_times", "run_conflicts"]
