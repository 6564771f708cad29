"""Reusable click options, so every command spells them the same way (rasterio's ``rio/options.py``).

Every command takes :data:`language_option` (``--lang``), :data:`overwrite_option`
(``--overwrite``) and :func:`verbosity_options` (``-q/-v``, also accepted after the
command name: ``jokkgeo report -q ...``); :func:`step_echo` gives the one-line
progress messages of long commands (stderr, on a terminal, silent with ``-q`` or in CI).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from jokkgeo.settings import Settings, default_project_root

F = TypeVar("F", bound=Callable[..., Any])

catalog_option = click.option(
    "--catalog",
    "catalog_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of layer specs (default: layers/ of the project).",
)
overwrite_option = click.option("--overwrite", is_flag=True, help="Replace existing outputs.")
allow_outside_option = click.option(
    "--allow-outside", is_flag=True, help="Let config files reference data outside the project folder."
)
language_option = click.option(
    "--lang", "language", type=click.Choice(["sv", "en"]), default="sv", show_default=True,
    help="Language of titles, legends, report text and printed results.",
)


def _season_choices() -> list[str]:
    from jokkgeo.network.profiles import available_profiles

    return list(available_profiles())


class _LazyChoice(click.Choice):
    """A choice whose values are read when first needed (the season profiles), not at import."""

    def __init__(self, values: Callable[[], list[str]]) -> None:
        self._values = values
        super().__init__([])

    @property  # type: ignore[override]
    def choices(self) -> list[str]:  # noqa: D102
        return self._values()

    @choices.setter
    def choices(self, value: Any) -> None:
        pass


season_option = click.option(
    "--season", type=_LazyChoice(_season_choices), default="summer", show_default=True,
    help="Speed profile (season); one of the packaged profiles.",
)


scenarios_dir_option = click.option(
    "--scenarios", "scenarios_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder of scenario YAML files (default: scenarios/ of the project).")


def read_scenario_set(settings: Settings, scenarios_dir: Path | None, catalogue: Any, *,
                      allow_outside: bool = False) -> Any:
    """The scenarios of ``--scenarios`` (default: the project's ``scenarios/``), checked against the catalogue.

    Parameters
    ----------
    settings
        The run's settings (project root).
    scenarios_dir
        ``--scenarios`` folder, or ``None``.
    catalogue
        The layer catalogue the scenarios refer to.
    allow_outside
        Allow paths outside the project folder.
    """
    from jokkgeo.io.configs import read_scenarios

    folder = scenarios_dir if scenarios_dir is not None else settings.project_root / "scenarios"
    return read_scenarios(folder, root=settings.project_root, catalogue=catalogue, allow_outside=allow_outside)


def set_verbosity(verbose: int, quiet: bool) -> None:
    """Configure logging: errors only with ``quiet``, warnings by default, info/debug with ``-v``/``-vv``.

    Parameters
    ----------
    verbose
        Count of ``-v`` flags.
    quiet
        ``-q`` was given.
    """
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr, force=True)


def _verbosity_callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    obj = ctx.find_root().ensure_object(dict)
    if param.name == "quiet" and value:
        obj["quiet"] = True
    elif param.name == "verbose" and value:
        obj["verbose"] = max(obj.get("verbose", 0), int(value))
    else:
        return value
    set_verbosity(obj.get("verbose", 0), obj.get("quiet", False))
    return value


def verbosity_options(fn: F) -> F:
    """``-v/--verbose`` (count) and ``-q/--quiet``, before or after the command name.

    Parameters
    ----------
    fn
        The click command function to decorate.
    """
    fn = click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_verbosity_callback,
                      help="Only errors (no progress lines).")(fn)
    fn = click.option("-v", "--verbose", count=True, expose_value=False, callback=_verbosity_callback,
                      help="More log output (-vv for debug).")(fn)
    return fn


def is_quiet() -> bool:
    """True when ``-q`` was given (before or after the command name)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().ensure_object(dict).get("quiet"))


def step_echo() -> Callable[[str], None] | None:
    """One-line progress messages to stderr on a terminal; ``None`` (silent) with ``-q``, in CI or in a pipe."""
    from jokkgeo._progress import progress_enabled

    if is_quiet() or not progress_enabled():
        return None
    return lambda message: click.echo(message, err=True)


def make_settings(catalog_dir: Path | None, *, overwrite: bool = False, allow_outside: bool = False,
                  language: str = "sv") -> tuple[Settings, Path]:
    """Settings plus the catalogue folder; the project root is the catalogue's parent.

    Parameters
    ----------
    catalog_dir
        ``--catalog`` folder (default: the project's ``layers/``).
    overwrite
        Replace existing outputs.
    allow_outside
        Allow data paths outside the project folder.
    language
        ``"sv"`` or ``"en"``.
    """
    if catalog_dir is None:
        root = default_project_root()
        catalog_dir = root / "layers"
    else:
        root = catalog_dir.resolve().parent
    settings = Settings(project_root=root, overwrite=overwrite, allow_outside=allow_outside, language=language)
    return settings, catalog_dir


def engine_options(engine_help: str) -> Callable[[F], F]:
    """``--engine local|dask``, ``--scheduler ADDRESS`` and ``--workers N``, spelled the same on every command.

    Parameters
    ----------
    engine_help
        What the engine choice means for the command.
    """
    def decorate(fn: F) -> F:
        fn = click.option("--workers", "n_workers", type=click.IntRange(1, 256), default=2, show_default=True,
                          help="Local worker processes for --engine dask without --scheduler.")(fn)
        fn = click.option("--scheduler", default=None,
                          help="Address of a dask distributed scheduler (with --engine dask).")(fn)
        return click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                            help=engine_help)(fn)
    return decorate


def network_engine(engine: str, scheduler: str | None, n_workers: int) -> Any:
    """The :class:`jokkgeo.analysis.parallel.NetworkEngine` of the engine options (``None``: in this process).

    Parameters
    ----------
    engine, scheduler, n_workers
        The values of :func:`engine_options`.
    """
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    if engine == "local":
        return None
    from jokkgeo.analysis.parallel import NetworkEngine

    return NetworkEngine("dask", scheduler=scheduler, n_workers=n_workers)

