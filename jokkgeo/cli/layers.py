"""``jokkgeo layers list|check``: show the layer catalogue and check every layer's data."""

from __future__ import annotations

from pathlib import Path

import click

from jokkgeo.cli.options import allow_outside_option, catalog_option, language_option, make_settings, verbosity_options


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """Plain fixed-width text table.

    Parameters
    ----------
    header
        Column titles.
    rows
        Cells per row, as text, in the order of ``header``.
    """
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in rows)
    return "\n".join(lines)


def _bounds(bounds: tuple[float, ...] | None) -> str:
    return "-" if bounds is None else " ".join(f"{v:.0f}" for v in bounds)


def _types(types: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in types.items()) or "-"


@click.group(name="layers")
@verbosity_options
def command() -> None:
    """List and check the layers of the catalogue (layers/*.yaml)."""


@command.command(name="list")
@catalog_option
@allow_outside_option
@language_option
@verbosity_options
def list_layers(catalog_dir: Path | None, allow_outside: bool, language: str) -> None:
    """List the layers: id, theme, geometry type, title, source and flags."""
    from jokkgeo.io.configs import read_catalogue

    settings, directory = make_settings(catalog_dir, allow_outside=allow_outside, language=language)
    catalogue = read_catalogue(directory, root=settings.project_root, allow_outside=allow_outside,
                               check_exists=False)
    rows = []
    for spec in catalogue.values():
        flags = [f for f, on in (("restricted", spec.restricted), ("illustrative", spec.illustrative)) if on]
        try:
            source = spec.source.path.relative_to(settings.project_root.resolve()).as_posix()
        except ValueError:
            source = str(spec.source.path)
        if spec.source.layer:
            source += f":{spec.source.layer}"
        rows.append([spec.id, spec.theme, spec.geometry_type, spec.label(language), source, ",".join(flags) or "-"])
    click.echo(format_table(["id", "theme", "geometry", "title", "source", "flags"], rows))


@command.command(name="check")
@catalog_option
@allow_outside_option
@language_option
@verbosity_options
@click.pass_context
def check_layers(ctx: click.Context, catalog_dir: Path | None, allow_outside: bool, language: str) -> None:
    """Load every layer and print features, geometry types, CRS, bounds, repairs and warnings.

    Exits with status 2 when any layer has an error (listed below the table).
    """
    from jokkgeo.io.inspection import check_catalogue

    settings, directory = make_settings(catalog_dir, allow_outside=allow_outside, language=language)
    results = check_catalogue(directory, root=settings.project_root, allow_outside=allow_outside, language=language)
    rows = []
    for r in results:
        if r.kind == "raster" and r.raster:
            features = f"raster {r.raster['width']}x{r.raster['height']}x{r.raster['bands']}"
            types = f"{r.raster['dtype']} nodata={r.raster['nodata']}"
        else:
            features = "-" if r.n_features is None else str(r.n_features)
            types = _types(r.geometry_types)
        status = "ERROR" if r.errors else ("warn" if r.warnings else "ok")
        rows.append([r.name, status, features, types, r.crs or "-", _bounds(r.bounds),
                     ", ".join(r.repairs) or "-", str(len(r.warnings))])
    click.echo(format_table(
        ["layer", "status", "features", "geometry types", "source CRS", "bounds EPSG:3006 (m)", "repairs",
         "warnings"], rows))
    for r in results:
        if r.caveat:
            click.echo(f"\n{r.name}: {r.caveat}")
        for w in r.warnings:
            click.echo(f"{r.name}: warning: {w}")
    failed = [r for r in results if r.errors]
    for r in failed:
        for e in r.errors:
            click.echo(f"{r.name}: error: {e}", err=True)
    click.echo(f"\n{len(results)} layer(s) checked, {len(failed)} with errors, "
               f"{sum(1 for r in results if r.warnings)} with warnings")
    if failed:
        ctx.exit(2)
