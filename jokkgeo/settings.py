"""Settings: working CRS and project roots, as one frozen object passed around.

Precedence: CLI flag > environment variable (``JOKKGEO_PROJECT``) > default.
The default project root is the current directory when it holds ``layers/``,
otherwise the checkout this package was installed from (editable install).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

WORKING_CRS = "EPSG:3006"
"""SWEREF 99 TM: every loader returns it, every analysis requires it."""

PACKAGE_DIR = Path(__file__).resolve().parent


def default_project_root() -> Path:
    """Return the project root: ``$JOKKGEO_PROJECT``, the cwd, or the source checkout."""
    env = os.environ.get("JOKKGEO_PROJECT")
    if env:
        return Path(env).resolve()
    cwd = Path.cwd()
    if (cwd / "layers").is_dir():
        return cwd.resolve()
    checkout = PACKAGE_DIR.parent
    if (checkout / "layers").is_dir():
        return checkout
    return cwd.resolve()


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
    allow_network
        Allow online services (Overpass, WFS, tile checks). Off by default.
    allow_outside
        Let relative paths in configs resolve outside ``project_root``.
    language
        ``"sv"`` (default) or ``"en"`` for text that reaches planners.
    """

    project_root: Path = field(default_factory=default_project_root)
    overwrite: bool = False
    allow_network: bool = False
    allow_outside: bool = False
    language: str = "sv"

    @property
    def catalog_dir(self) -> Path:
        return self.project_root / "layers"
