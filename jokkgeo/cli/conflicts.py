"""``jokkgeo conflicts``: land-use conflicts of development against sensitive layers.

Writes one GeoPackage with the layers ``conflicts`` (affected parts of sensitive
features, with the conflict table), ``conflict_zones`` (area per distance band),
``summary_sameby``, ``summary_protected_area``, ``summary_investment_site``,
``crossings`` (points), ``crossing_counts``, ``housing_screening`` and
``citations`` / ``caveats`` tables; prints citations and caveats.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
import pandas as pd

from jokkgeo.cli.options import (
    allow_outside_option,
    catalog_option,
    engine_options,
    language_option,
    make_settings,
    network_engine,
    overwrite_option,
    step_echo,
    verbosity_options,
)
from jokkgeo.i18n import text

log = logging.getLogger(__name__)


def _references_table(citations: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"reference": list(citations), "citation": list(citations.values())})


@click.command(name="conflicts")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Conflict rules YAML (default: the packaged jokkgeo/rules/conflicts.yaml).")
@engine_options("Overlay engine: one process, or dask-geopandas partitions in worker processes.")
@click.option("--jobs", "n_jobs", type=click.IntRange(1, 1024), default=None,
              help="Threads of the local engine (default: all cores this process may use; 1 = single-threaded).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output GeoPackage (.gpkg).")
@click.option("--travel-times", "travel_times_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV of minutes from each housing area to each employer (first column: housing area id).")
@catalog_option
@overwrite_option
@allow_outside_option
@language_option
@verbosity_options
def command(rules_path: Path | None, engine: str, scheduler: str | None, n_workers: int, n_jobs: int | None,
            out_path: Path, travel_times_path: Path | None, catalog_dir: Path | None, overwrite: bool,
            allow_outside: bool, language: str) -> None:
    """Find where development meets reindeer herding, national parks and other interests."""
    import geopandas as gpd

    from jokkgeo.errors import DataSourceError
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.io.write import check_output_path, write_gpkg_layers
    from jokkgeo.present.metadata import command_metadata
    from jokkgeo.study.store import LayerStore
    from jokkgeo.workflows.conflicts import ConflictOptions, run_conflicts
    from jokkgeo.workflows.rules import resolve_rules

    if out_path.suffix.lower() != ".gpkg":
        raise DataSourceError(f"--out {out_path}: conflicts are written as a GeoPackage; give a .gpkg path")
    check_output_path(out_path, overwrite=overwrite, kind="file")  # a bad --out fails now, not after the run
    network_engine(engine, scheduler, n_workers)  # refuses --scheduler without --engine dask
    if n_jobs is not None and engine != "local":
        raise click.UsageError("--jobs sets the threads of --engine local; for --engine dask use --workers")
    settings, catalog = make_settings(catalog_dir, overwrite=overwrite, allow_outside=allow_outside,
                                      language=language)
    rules = resolve_rules(rules_path)
    catalogue = read_catalogue(catalog, root=settings.project_root, allow_outside=allow_outside)
    store = LayerStore(catalogue, language=language)
    options = ConflictOptions(engine=engine, scheduler=scheduler, n_workers=n_workers, n_jobs=n_jobs,
                              language=language, screen_housing=True, travel_times=travel_times_path)
    run = run_conflicts(store, rules, options, root=settings.project_root, on_step=step_echo())
    result = run.result
    out: dict[str, Any] = {"conflicts": result.geometries, "conflict_zones": result.zones}
    for name, df in result.summaries.items():
        out[f"summary_{name}"] = df
    if result.crossings is not None:
        out["crossings"] = result.crossings
        out["crossing_counts"] = result.crossing_counts
    if run.screening is not None:
        out["housing_screening"] = gpd.GeoDataFrame(run.screening.table)
    out["citations"] = _references_table(result.citations)
    out["caveats"] = pd.DataFrame({"caveat": result.caveats})
    if run.skipped:
        out["skipped_rules"] = pd.DataFrame(run.skipped, columns=["rule_id", "missing"])
    used = list(dict.fromkeys([*run.layer_ids, *result.provenance.inputs]))
    metadata = command_metadata("conflicts", specs=[catalogue[lid] for lid in used if lid in catalogue],
                                provenance=result.provenance, language=language)
    write_gpkg_layers(out, out_path, overwrite=overwrite, metadata=metadata)
    for line in result_lines(run, out_path, engine, language):
        click.echo(line)


def result_lines(run: Any, out_path: Path, engine: str, language: str) -> list[str]:
    """What ``jokkgeo conflicts`` prints: totals, worst conflicts, crossings, skipped rules, references, caveats.

    Parameters
    ----------
    run
        The conflicts run (result, crossings, skipped rules).
    out_path
        Where the result layers were written.
    engine
        Overlay engine used (named in the timing line).
    language
        ``"sv"`` or ``"en"``.
    """
    from jokkgeo.i18n import format_number

    lang = language
    result = run.result
    t = result.table
    n_threads = result.params["n_jobs"]
    threads = ""
    if engine == "local":
        threads = text("cli.threads.one", lang) if n_threads == 1 else text("cli.threads.many", lang, n=n_threads)
    lines = [text("cli.conflicts.wrote", lang, path=out_path, n=len(t), rules=t["rule_id"].nunique() if len(t) else 0,
                  seconds=format_number(result.params["overlay_seconds"], lang, digits=1) if lang == "sv"
                  else f"{result.params['overlay_seconds']:.1f}", engine=engine, threads=threads)]
    if len(t):
        worst = t.sort_values(["severity_rank", "zoi_area_m2"], ascending=False)
        by = worst.groupby(["dev_label", "severity"], sort=False).size().head(10)
        for (dev, sev), n in by.items():
            lines.append(text("cli.conflicts.by_dev", lang, dev=dev, n=n, severity=text(f"severity.{sev}", lang)))
    if result.crossing_counts is not None and len(result.crossing_counts):
        lines.append(text("cli.conflicts.crossings", lang))
        for _, row in result.crossing_counts.iterrows():
            lines.append(f"  {row['route_label']} ({row['route_id']}): {row['n_crossings']} — {row['crossed_by']}")
    if run.skipped:
        lines.append(text("cli.conflicts.skipped", lang))
        for rule_id, side in run.skipped:
            lines.append("  " + text("conflicts.skipped_rule", lang, rule=rule_id,
                                     side=text(f"conflicts.side.{side}", lang)))
    if result.citations:
        lines.append(text("cli.references", lang))
        lines.extend(f"  [{key}] {value}" for key, value in result.citations.items())
    if result.caveats:
        lines.append(text("cli.caveats", lang))
        lines.extend(f"  ! {value}" for value in result.caveats)
    return lines
