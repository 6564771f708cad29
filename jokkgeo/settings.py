"""Settings: working CRS and project roots, as one frozen object passed around.

Project root precedence (first that applies):

1. ``--catalog DIR`` on the command line (the root is the catalogue's parent; see ``jokkgeo.cli.options``);
2. the environment variable ``JOKKGEO_PROJECT``;
3. the current directory, when it holds ``layers/``;
4. the source checkout this package runs from (an editable install or a clone on ``PYTHONPATH``);
5. the default Jokkmokk study shipped inside the package (``jokkgeo/_study/``, copied there when the
   wheel is built), so every command works right after ``pip install``, from any folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

WORKING_CRS = "EPSG:3006"
"""SWEREF 99 TM: every loader returns it, every analysis requires it."""

PACKAGE_DIR = Path(__file__).resolve().parent

STUDY_FOLDERS = ("data", "layers", "maps", "scenarios")
"""The folders of a project (and of the packaged study), relative to its root."""

PACKAGED_STUDY = PACKAGE_DIR / "_study"
"""The default study inside an installed package (absent in a source checkout)."""


def source_checkout() -> Path | None:
    """Return the source checkout this package runs from, or ``None`` for an installed wheel."""
    checkout = PACKAGE_DIR.parent
    if (checkout / "layers").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    return None


def default_project_root() -> Path:
    """Return the project root: ``$JOKKGEO_PROJECT``, the cwd, the source checkout or the packaged study.

    Returns
    -------
    Path
        An absolute folder; relative paths in layer specs, recipes and scenarios resolve against it.
        When nothing else applies and no study is packaged, the current directory (commands then say
        that its ``layers/`` folder does not exist).
    """
    env = os.environ.get("JOKKGEO_PROJECT")
    if env:
        return Path(env).expanduser().resolve()
    cwd = Path.cwd().resolve()
    if (cwd / "layers").is_dir():
        return cwd
    checkout = source_checkout()
    if checkout is not None:
        return checkout
    if (PACKAGED_STUDY / "layers").is_dir():
        return PACKAGED_STUDY
    return cwd


def default_study_root() -> Path:
    """Return the folder holding the default Jokkmokk study: the source checkout or the packaged copy.

    Raises
    ------
    FileNotFoundError
        When neither exists (a wheel built without its study).
    """
    checkout = source_checkout()
    if checkout is not None:
        return checkout
    if (PACKAGED_STUDY / "layers").is_dir():
        return PACKAGED_STUDY
    raise FileNotFoundError(f"no default study found (looked in {PACKAGE_DIR.parent} and {PACKAGED_STUDY})")


@dataclass(frozen=True)
class Settings:
    """Run-wide options.

    Parameters
    ----------
    project_root
        Folder that relative paths in layer specs, recipes and rules resolve against.
        Specs may not reach outside it unless ``allow_outside`` is set.
    overwrite
        Replace existing outputs (otherwise writing over a file is an error).
    allow_outside
        Let relative paths in configs resolve outside ``project_root``.
    language
        ``"sv"`` (default) or ``"en"`` for text that reaches planners.
    """

    project_root: Path = field(default_factory=default_project_root)
    overwrite: bool = False
    allow_outside: bool = False
    language: str = "sv"

    @property
    def catalog_dir(self) -> Path:
        """The project's ``layers/`` folder."""
        return self.project_root / "layers"
