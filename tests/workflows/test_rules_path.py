"""A recipe's ``rules:`` file goes through the one path guard as a YAML file (bug: it was refused
as "format '.yaml' which jokkgeo does not open")."""

from __future__ import annotations

import shutil

import pytest
import yaml

from jokkgeo.errors import CatalogueError
from jokkgeo.io.configs import default_rules_path
from jokkgeo.report import build_report
from jokkgeo.settings import Settings


def _recipe(project, rules):
    maps = project / "maps_rules"
    maps.mkdir(exist_ok=True)
    (maps / "r.yaml").write_text(yaml.safe_dump({
        "title": "t", "layers": ["roads"],
        "analyses": [{"type": "conflicts", "development": [{"layer": "investment_areas"}],
                      "sensitive": ["reindeer_calving_land"], "rules": rules}],
    }), encoding="utf-8")
    return maps


def test_recipe_rules_file_is_read(make_project, tmp_path):
    project = make_project("p")
    shutil.copy(default_rules_path(), project / "my_rules.yaml")
    manifest = build_report(tmp_path / "out", settings=Settings(project_root=project),
                            recipes_dir=_recipe(project, "my_rules.yaml"), figures=False)
    assert [r["id"] for r in manifest["recipes"]] == ["r"]


def test_recipe_rules_outside_project_refused(make_project, tmp_path):
    project = make_project("p")
    shutil.copy(default_rules_path(), tmp_path / "outside.yaml")
    with pytest.raises(CatalogueError, match=r"r.yaml: key 'analyses\[0\].rules': .*outside the project"):
        build_report(tmp_path / "out", settings=Settings(project_root=project),
                     recipes_dir=_recipe(project, "../outside.yaml"), figures=False)
