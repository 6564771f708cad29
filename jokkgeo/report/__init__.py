"""The survey-report bundle: run map recipes, render maps and figures, write results.

:func:`build_report` runs every recipe of a folder (``maps/*.yaml``) on the layer
catalogue and writes one folder::

    DIR/index.html           links to every map and figure, with a short description
    DIR/maps/<id>.html       self-contained interactive maps (no network needed)
    DIR/figures/<id>.png|svg|pdf   print figures (160 mm report column by default, 300 dpi)
    DIR/results.gpkg         analysis results, one named layer each, EPSG:3006
    DIR/tables/<id>__<name>.csv    result tables
    DIR/manifest.json        inputs (sha256, licence), parameters, versions, caveats, time

The whole folder is built in a temporary sibling folder
(:func:`jokkgeo.io.write.atomic_dir`) and renamed into place, so a failed run leaves an
earlier bundle untouched; it carries the marker file ``.jokkgeo-bundle``, and an existing
folder is only replaced with ``overwrite=True`` *and* when it carries that marker (or is
empty) — ``--out data --overwrite`` is refused and nothing deleted. With ``public=True`` restricted layers (and
analysis results derived from them) are left out and listed in the manifest.

Analyses are dispatched through the explicit table :data:`~jokkgeo.report.runners.RECIPE_TYPES`
(``type`` -> runner); see :mod:`jokkgeo.report.runners`. Writing the bundle is
:mod:`jokkgeo.report.bundle`, the index page :mod:`jokkgeo.report.index`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from jokkgeo.config.layers import Catalogue
from jokkgeo.config.recipes import Recipe
from jokkgeo.io.configs import read_catalogue, read_recipes
from jokkgeo.io.write import atomic_dir, check_output_path
from jokkgeo.report.bundle import write_bundle
from jokkgeo.report.runners import RECIPE_TYPES, AnalysisOutput, RecipeContext, RecipeRun, Runner, run_recipe
from jokkgeo.settings import Settings
from jokkgeo.study.store import LayerStore

log = logging.getLogger(__name__)


def build_report(
    out_dir: str | Path,
    *,
    settings: Settings,
    catalogue: Catalogue | None = None,
    recipes_dir: str | Path | None = None,
    recipes: Sequence[Recipe] | None = None,
    public: bool = False,
    figures: bool = True,
    now: datetime | None = None,
    recipe_types: Mapping[str, Runner] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run map recipes and write the report bundle to ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder to create. An existing folder is replaced only with ``settings.overwrite``.
    settings
        Project root, language, overwrite and allow_outside.
    catalogue
        Layer catalogue (default: ``settings.catalog_dir``).
    recipes_dir
        Folder of recipe YAML files (default: ``<project>/maps``); ignored when ``recipes`` is given.
    public
        Leave out restricted layers and results derived from them.
    figures
        Also render the print figures (PNG/SVG/PDF).
    now
        Time of the run recorded in the manifest (default: now, UTC).
    recipe_types
        Recipe ``type`` -> runner (default :data:`~jokkgeo.report.runners.RECIPE_TYPES`); pass an
        extended table to add a type.
    on_step
        Called with one line per recipe (the CLI echoes it to stderr on a terminal).
    recipes
        Recipes to run (default: read from ``recipes_dir``).

    Returns
    -------
    dict
        The manifest written to ``manifest.json``.
    """
    types = RECIPE_TYPES if recipe_types is None else recipe_types
    out_dir = Path(out_dir)
    # before any work: a bad name, a read-only place or a folder jokkgeo did not write fails in a second
    check_output_path(out_dir, overwrite=settings.overwrite, kind="dir")
    if catalogue is None:
        catalogue = read_catalogue(settings.catalog_dir, root=settings.project_root,
                                   allow_outside=settings.allow_outside)
    if recipes is None:
        recipes = read_recipes(Path(recipes_dir) if recipes_dir else settings.project_root / "maps",
                               layer_ids=list(catalogue), known_types=types)
    check_recipe_types(recipes, types)
    store = LayerStore(catalogue, public=public, language=settings.language)
    ctx = RecipeContext(settings=settings, store=store)
    from jokkgeo.i18n import text

    step = on_step or log.info
    runs = []
    for i, recipe in enumerate(recipes, start=1):
        step(text("step.recipe", settings.language, i=i, n=len(recipes), id=recipe.id,
                  title=recipe.label(settings.language)))
        runs.append(run_recipe(recipe, ctx, types))

    # built in a temporary sibling carrying the jokkgeo marker, renamed into place; an existing folder
    # is replaced only when jokkgeo wrote it; temporary folders of killed runs are removed
    with atomic_dir(out_dir, overwrite=settings.overwrite) as tmp:
        manifest = write_bundle(tmp, runs, store, settings=settings, public=public, figures=figures, now=now)
    log.info("report written to %s (%d recipes)", out_dir, len(runs))
    return manifest


def check_recipe_types(recipes: Sequence[Recipe], recipe_types: Mapping[str, Runner]) -> None:
    """Refuse a recipe whose ``analyses[].type`` is not in ``recipe_types`` (file, key, allowed types).

    Parameters
    ----------
    recipes
        The recipes of the report.
    recipe_types
        Recipe ``type`` -> runner.
    """
    from jokkgeo.errors import CatalogueError

    for recipe in recipes:
        for i, spec in enumerate(recipe.analyses):
            if spec.type not in recipe_types:
                raise CatalogueError(
                    f"{recipe.path}: key 'analyses[{i}].type': '{spec.type}' is not an analysis type; "
                    f"use one of: {', '.join(sorted(recipe_types))}"
                )


__all__ = ["check_recipe_types", "RECIPE_TYPES", "AnalysisOutput", "RecipeContext", "RecipeRun", "Runner",
           "build_report", "run_recipe"]
