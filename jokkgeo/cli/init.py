"""``jokkgeo init DIR``: write a ready project folder (a copy of the default study) to start from."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from jokkgeo.errors import DataSourceError, OutputExistsError
from jokkgeo.io.configs import default_rules_path
from jokkgeo.io.write import check_output_path, os_error_message
from jokkgeo.settings import STUDY_FOLDERS, default_study_root

README = """\
# jokkgeo project

A copy of jokkgeo's default Jokkmokk study, made by `jokkgeo init`. Run the commands from this
folder (or point to it with `--catalog {name}/layers` or `JOKKGEO_PROJECT={name}`):

    jokkgeo layers list
    jokkgeo report --out build/report

- `layers/`     one YAML spec per layer (source file, style, provenance, caveats)
- `data/`       the data the specs point to (relative paths resolve against this folder)
- `maps/`       map recipes that `jokkgeo report` runs
- `scenarios/`  scenarios that `jokkgeo compare` and the report's comparison recipes apply
- `rules/conflicts.yaml`  the conflict rules; edit a copy and pass it with `--rules rules/conflicts.yaml`

The default data are partly schematic: read each layer's `caveat` and `illustrative` flag before use.
"""


def write_project(directory: Path, *, overwrite: bool = False) -> list[Path]:
    """Write the default study as a project folder at ``directory``.

    Parameters
    ----------
    directory
        Target folder; created when missing. It must be empty unless ``overwrite`` is set.
    overwrite
        Write into a non-empty folder, replacing the study's own folders and files there
        (other files in it are left alone).

    Returns
    -------
    list of Path
        The top-level folders and files written.

    Raises
    ------
    OutputExistsError
        ``directory`` is a file, or a non-empty folder and ``overwrite`` is not set.
    """
    # name (newline, length), a file in the way, a read-only parent: refused before anything is copied
    check_output_path(directory / "README.md", overwrite=True, kind="file")
    if directory.exists() and not directory.is_dir():
        raise OutputExistsError(f"{directory}: exists and is not a folder; choose another path")
    if directory.is_dir() and any(directory.iterdir()) and not overwrite:
        raise OutputExistsError(
            f"{directory}: folder is not empty; choose an empty or new folder, or pass --overwrite"
        )
    try:
        return _copy_study(directory)
    except OSError as exc:
        raise DataSourceError(os_error_message(directory, exc)) from None


def _copy_study(directory: Path) -> list[Path]:
    source = default_study_root()
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in STUDY_FOLDERS:
        target = directory / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        shutil.copytree(source / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        written.append(target)
    rules = directory / "rules" / "conflicts.yaml"
    rules.parent.mkdir(exist_ok=True)
    shutil.copyfile(default_rules_path(), rules)
    written.append(rules.parent)
    readme = directory / "README.md"
    readme.write_text(README.format(name=directory.name), encoding="utf-8")
    written.append(readme)
    return written


@click.command(name="init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Write into a non-empty folder (replaces the study's folders there).")
def command(directory: Path, overwrite: bool) -> None:
    """Write a ready project folder DIRECTORY: layers/, data/, maps/, scenarios/, rules/ and a README."""
    written = write_project(directory, overwrite=overwrite)
    click.echo(f"Wrote {directory}: " + ", ".join(p.name + ("/" if p.is_dir() else "") for p in written))
    click.echo(f"Next: cd {directory} && jokkgeo layers list")
