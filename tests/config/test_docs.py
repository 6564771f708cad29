"""docs/config.md lists every key each config parser accepts (so the docs cannot drift)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "config.md"
MODULES = ("layers", "styles", "recipes", "rules", "scenarios", "seasons")

# key-set constant -> the docs section ("## <title>") that must name every key
SECTIONS = {
    "layers.LAYER_KEYS": "Layer specs",
    "layers.SOURCE_KEYS": "Layer specs",
    "layers.ATTRIBUTE_KEYS": "Layer specs",
    "layers.POPULATION_KEYS": "Layer specs",
    "layers.GRID_KEYS": "Layer specs",
    "layers.SPREAD_KEYS": "Layer specs",
    "styles.STYLE_KEYS": "Styles",
    "styles.CATEGORICAL_KEYS": "Styles",
    "styles.CATEGORY_KEYS": "Styles",
    "styles.GRADUATED_KEYS": "Styles",
    "styles.POPUP_KEYS": "Styles",
    "recipes.RECIPE_KEYS": "Map recipes",
    "recipes.RECIPE_LAYER_KEYS": "Map recipes",
    "recipes.FIGURE_KEYS": "Map recipes",
    "recipes.BASEMAP_KEYS": "Map recipes",
    "recipes.TILE_KEYS": "Map recipes",
    "rules.RULES_FILE_KEYS": "Conflict rules",
    "rules.RULE_KEYS": "Conflict rules",
    "rules.SELECTOR_KEYS": "Conflict rules",
    "rules.SURFACE_KEYS": "Conflict rules",
    "rules.CROSSING_KEYS": "Conflict rules",
    "scenarios.SCENARIO_KEYS": "Scenarios",
    "scenarios.ROAD_CHANGE_KEYS": "Scenarios",
    "scenarios.FEATURE_CHANGE_KEYS": "Scenarios",
    "scenarios.FILTER_KEYS": "Scenarios",
    "scenarios.SPEC_ITEM_KEYS": "Scenarios",
    "scenarios.PARAMETER_KEYS": "Scenarios",
    "seasons.SEASON_KEYS": "Season profiles",
    "seasons.SPEED_MODEL_KEYS": "Season profiles",
}


def _sections() -> dict[str, str]:
    out: dict[str, str] = {}
    for block in DOC.read_text(encoding="utf-8").split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        out[title] = body
    return out


def _keys(name: str) -> set[str]:
    module, const = name.split(".")
    value = getattr(importlib.import_module(f"jokkgeo.config.{module}"), const)
    if isinstance(value, dict):  # PARAMETER_KEYS: section -> keywords
        return set(value) | {k for keys in value.values() for k in keys}
    return set(value)


def test_every_key_set_is_covered():
    found = set()
    for m in MODULES:
        module = importlib.import_module(f"jokkgeo.config.{m}")
        source = Path(module.__file__).read_text(encoding="utf-8")
        for name, value in vars(module).items():
            defined_here = re.search(rf"^{name}\b[^=\n]*=", source, re.M)
            if name.endswith("_KEYS") and defined_here and isinstance(value, (frozenset, dict)):
                found.add(f"{m}.{name}")
    assert found == set(SECTIONS), "map each *_KEYS constant to its docs/config.md section"


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_docs_name_every_key(name):
    sections = _sections()
    [body] = [b for title, b in sections.items() if title.startswith(SECTIONS[name])]
    missing = sorted(k for k in _keys(name) if f"`{k}`" not in body)
    assert not missing, f"docs/config.md section '{SECTIONS[name]}' lacks {missing} ({name})"
