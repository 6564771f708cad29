"""Build step that ships the default study with the package (metadata lives in pyproject.toml).

The repository keeps the study where a project keeps it — ``data/``, ``layers/``, ``maps/`` and
``scenarios/`` at the top level — and ``build_py`` copies those folders into the wheel as
``jokkgeo/_study/``. ``jokkgeo.settings.default_project_root`` falls back to that copy when no other
project applies, so an installed ``jokkgeo`` runs its commands from any folder. Editable installs
skip the copy: they use the checkout itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
STUDY_FOLDERS = ("data", "layers", "maps", "scenarios")  # keep in step with jokkgeo.settings.STUDY_FOLDERS
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class build_py_with_study(build_py):  # noqa: N801 - setuptools command naming
    """``build_py`` plus a copy of the default study into ``<build_lib>/jokkgeo/_study``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "jokkgeo" / "_study"
        if target.exists():
            shutil.rmtree(target)
        for name in STUDY_FOLDERS:
            source = ROOT / name
            if not source.is_dir():
                raise FileNotFoundError(f"{source}: the default study folder is missing; cannot build the wheel")
            shutil.copytree(source, target / name, ignore=SKIP)
        (target / "README.md").write_text(
            "The default Jokkmokk study shipped with jokkgeo (a copy of the repository's data/, layers/,\n"
            "maps/ and scenarios/). Do not edit it here: run `jokkgeo init DIR` for a project of your own.\n",
            encoding="utf-8",
        )


setup(cmdclass={"build_py": build_py_with_study})
