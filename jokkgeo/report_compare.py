"""The ``compare`` recipe type: a scenario comparison inside ``jokkgeo report``.

Registered in :data:`jokkgeo.report.ANALYSES`. Recipe section::

    analyses:
      - type: compare
        scenario: kallak_rail          # required: a scenarios/NAME.yaml, or a scenario mapping written here
        baseline: kallak_road          # default: baseline (the study without changes); also name or mapping
        scenarios: scenarios           # folder of scenario files (default: scenarios/ of the project)
        site: kallak                   # whose catchment bands are drawn (default: the most changed site)

A scenario written inside the recipe uses the keys of a scenario file
(``{title: ..., season: winter}``; ``name`` defaults to ``scenario_<i>``).

The map shows baseline and scenario side by side (two synchronised panes; the
scenario pane carries the differences) and the figure has two matching panels; ``results.gpkg``
the difference layers, ``tables/`` the difference tables, and the index page the
written summary. All comparisons of one report share one
:class:`~jokkgeo.analysis.comparison.StudyRunner`, so the baseline is analysed once.
In a public bundle restricted layers (reindeer herding) are left out of both studies.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jokkgeo.errors import CatalogueError, JokkgeoError
from jokkgeo.recipes import AnalysisSpec
from jokkgeo.report import AnalysisOutput, RunContext, register_analysis

log = logging.getLogger(__name__)

_KEYS = frozenset({"scenario", "baseline", "scenarios", "site"})


def summary_notes(summary: str) -> list[str]:
    """The first line of the summary and the first point of each section (caveats excluded)."""
    blocks = [b.strip().splitlines() for b in summary.strip().split("\n\n") if b.strip()]
    notes = [blocks[0][0]] if blocks else []
    for block in blocks[1:-1]:  # the last block is the caveats (shown in the caveat list)
        head, points = block[0], [ln[2:] for ln in block[1:] if ln.startswith("- ")]
        if head.endswith(":") and points:
            notes.append(f"{head} {points[0]}")
    return notes


@register_analysis("compare")
def run_compare(spec: AnalysisSpec, ctx: RunContext) -> AnalysisOutput:
    """Baseline vs scenario differences (:mod:`jokkgeo.analysis.comparison`) as map layers, results and tables."""
    from jokkgeo.analysis.comparison import StudyRunner
    from jokkgeo.render.compare import comparison_document, pane_titles, result_layers, summary_text
    from jokkgeo.scenarios import BASELINE, ScenarioSet, parse_scenario, prepare_studies, validate_scenario

    for key in spec.params:
        if key not in _KEYS:
            raise spec.fail(key, f"unknown key for type compare; allowed: {', '.join(sorted(_KEYS))}")
    root = ctx.settings.project_root
    inline: dict[str, Any] = {}

    def name_of(key: str, default: str | None) -> str:
        raw = spec.get(key, default)
        if isinstance(raw, Mapping):  # a scenario written inside the recipe
            data = dict(raw)
            data.setdefault("name", f"{key}_{spec.origin.rsplit('[', 1)[-1].rstrip(']')}")
            try:
                scen = parse_scenario(data, None, root=root, allow_outside=ctx.settings.allow_outside)
            except JokkgeoError as exc:
                raise type(exc)(f"{spec.origin}.{key}': {str(exc).replace('<scenario>: ', '')}") from None
            inline[scen.name] = scen
            return scen.name
        if not isinstance(raw, str) or not raw:
            raise spec.fail(key, "missing (required): a scenario name (e.g. kallak_rail) or a scenario mapping")
        return raw

    scenario = name_of("scenario", None)
    baseline = name_of("baseline", BASELINE)
    raw_dir = spec.get("scenarios", "scenarios")
    if not isinstance(raw_dir, str):
        raise spec.fail("scenarios", f"expected a folder path, got {raw_dir!r}")
    sdir = Path(raw_dir) if Path(raw_dir).is_absolute() else root / raw_dir
    if not ctx.settings.allow_outside and not sdir.resolve().is_relative_to(root.resolve()):
        raise spec.fail("scenarios", f"'{raw_dir}' is outside the project folder; pass --allow-outside")
    catalogue = {lid: ctx.catalogue[lid] for lid in ctx.catalogue if ctx.allowed(lid)}
    try:
        scenarios = ScenarioSet.from_dir(sdir, root=root, catalogue=catalogue,
                                         allow_outside=ctx.settings.allow_outside)
        if inline:
            scenarios = ScenarioSet({**{n: scenarios.raw(n) for n in scenarios if n != BASELINE}, **inline}, sdir)
            for name in inline:
                try:
                    validate_scenario(scenarios[name], catalogue)
                except JokkgeoError as exc:
                    raise type(exc)(f"{spec.origin}': {str(exc).replace('<scenario>: ', '')}") from None
        for name, key in ((scenario, "scenario"), (baseline, "baseline")):
            if name not in scenarios:
                raise spec.fail(key, f"no scenario named '{name}' in {sdir}; available: {', '.join(sorted(scenarios))}")
    except CatalogueError as exc:
        if str(exc).startswith(spec.origin):
            raise
        raise CatalogueError(f"{spec.origin}': {exc}") from None

    def loader(layer_spec: Any) -> Any:
        if layer_spec.id in catalogue and catalogue[layer_spec.id] is layer_spec:
            return ctx.loaded(layer_spec.id).gdf  # shared with the other recipes, recorded as an input
        from jokkgeo.io.vector import read_layer

        return read_layer(layer_spec).gdf

    base, scen = prepare_studies(catalogue, scenarios, baseline=baseline, scenario=scenario, loader=loader)
    runner = ctx.extra.get("compare_runner")
    if runner is None:
        runner = StudyRunner(root=root, language=ctx.language, allow_outside=ctx.settings.allow_outside)
        ctx.extra["compare_runner"] = runner
    comp = runner.compare(base, scen)
    lang = ctx.language
    doc = comparison_document(comp, language=lang, site=spec.get("site"), context_layers=())
    out = AnalysisOutput(layers=doc.layers, results=dict(result_layers(comp)),
                         tables={name: comp.tables[name] for name in comp.tables})
    summary = summary_text(comp, language=lang)
    out.notes.extend(summary_notes(summary))
    import pandas as pd

    out.tables["summary"] = pd.DataFrame({"text": summary.splitlines()})
    out.caveats.extend(doc.caveats)
    out.parameters = {
        "baseline": baseline,
        "scenario": scenario,
        "scenarios_dir": str(sdir),
        "changed_layers": comp.params["changed_layers"],
        "baseline_season": base.season,
        "scenario_season": scen.season,
        "scenario_parameters": scen.parameters,
        "omitted_restricted": sorted(set(ctx.catalogue) - set(catalogue)),
        "pane_titles": list(pane_titles(doc, comp)),
    }
    if ctx.public and set(ctx.catalogue) - set(catalogue):
        out.notes.append(("Känsliga lager (rennäring) ingår inte i den publika jämförelsen."
                          if lang == "sv" else "Restricted layers (reindeer herding) are left out of the public comparison."))
    return out
