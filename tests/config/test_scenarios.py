"""Scenario schema (pure parsing; applying scenarios is tested in tests/test_scenarios.py)."""

from __future__ import annotations

import pytest

from jokkgeo.config.scenarios import BASELINE, ScenarioSet, parse_scenario
from jokkgeo.errors import CatalogueError

LAYER = {
    "id": "new", "title": "Ny", "theme": "housing_land", "source": "data/x.gpkg", "geometry_type": "Polygon",
    "provenance": "p", "licence": "CC0", "attribution": "a", "accuracy_m": 10,
}


def test_inline_layer_errors_carry_the_key_path():
    with pytest.raises(CatalogueError, match=r"^s.yaml: key 'add_layers\[0\].theme': 'x' is not a theme"):
        parse_scenario({"title": "t", "add_layers": [{**LAYER, "theme": "x"}]}, "s.yaml", name="s")


def test_spec_files_need_a_reader():
    with pytest.raises(CatalogueError, match=r"key 'add_layers\[0\].spec': layer spec files cannot be read here"):
        parse_scenario({"title": "t", "add_layers": [{"spec": "a.yaml"}]}, "s.yaml", name="s")


def test_season_checked_against_known_profiles():
    assert parse_scenario({"title": "t", "season": "winter"}, "s.yaml", name="s", seasons=["summer", "winter"])
    with pytest.raises(CatalogueError, match="key 'season': 'spring' is not a season profile; use one of: summer"):
        parse_scenario({"title": "t", "season": "spring"}, "s.yaml", name="s", seasons=["summer"])


def test_road_change_values_checked():
    doc = {"title": "t", "road_changes": [{"select": {"ref": "97"}, "set": {"maxspeed": 500}}]}
    with pytest.raises(CatalogueError, match=r"road_changes\[0\].set.maxspeed': 500 km/h is outside 5–130 km/h"):
        parse_scenario(doc, "s.yaml", name="s")


def test_extends_resolved_by_the_set():
    base = parse_scenario({"title": "b", "remove_layers": ["a"]}, "b.yaml", name="b")
    child = parse_scenario({"title": "c", "extends": "b", "remove_layers": ["c"]}, "c.yaml", name="c")
    scenarios = ScenarioSet({"b": base, "c": child})
    assert scenarios["c"].remove_layers == ("a", "c") and BASELINE in scenarios
