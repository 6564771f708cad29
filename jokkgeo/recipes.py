"""Map recipes (old import path): the schema is :mod:`jokkgeo.config.recipes`, reading is
:func:`jokkgeo.io.configs.read_recipes`. New code imports from there.
"""

from __future__ import annotations

from jokkgeo.config.recipes import (  # noqa: F401  (re-exports)
    FIGURE_FORMATS,
    FIGURE_SIZES,
    AnalysisSpec,
    FigureSpec,
    Recipe,
    RecipeLayer,
    parse_recipe,
)
from jokkgeo.io.configs import read_recipe as load_recipe  # noqa: F401
from jokkgeo.io.configs import read_recipes as load_recipes  # noqa: F401
