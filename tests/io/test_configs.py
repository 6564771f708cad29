"""Reading config files (jokkgeo.io.configs): the shipped files load, every entry point is hardened."""

from __future__ import annotations

from pathlib import Path

import pytest

from jokkgeo.config.layers import Catalogue
from jokkgeo.errors import CatalogueError
from jokkgeo.io.configs import (
    load_rules,
    read_catalogue,
    read_recipes,
    read_scenario,
    read_scenarios,
    read_seasons,
)
from jokkgeo.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'


@pytest.mark.skipif(not (ROOT / "layers").is_dir(), reason="default study not present")
def test_shipped_files_load():
    cat = read_catalogue(settings=Settings(project_root=ROOT))
    assert isinstance(cat, Catalogue) and "roads" in cat and cat.root == ROOT
    assert read_recipes(ROOT / "maps", layer_ids=list(cat))
    scenarios = read_scenarios(ROOT / "scenarios", catalogue=cat)
    assert "baseline" in scenarios and len(scenarios) > 1
    assert load_rules().rules and {"summer", "winter"} <= set(read_seasons())


def _project(tmp_path):
    (tmp_path / "layers").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.gpkg").write_bytes(b"")
    return tmp_path


def test_bomb_in_a_layer_spec(tmp_path):
    project = _project(tmp_path)
    (project / "layers" / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"bomb.yaml: line 1: YAML anchors and aliases"):
        read_catalogue(project / "layers")


def test_bomb_in_a_recipe_and_scenario(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "m.yaml").write_text(BOMB, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"m.yaml: line 1: YAML anchors"):
        read_recipes(tmp_path / "maps")
    (tmp_path / "s.yaml").write_text(BOMB, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"s.yaml: line 1: YAML anchors"):
        read_scenario(tmp_path / "s.yaml", root=tmp_path)


def test_codes_stay_text_in_a_layer_spec(tmp_path):
    project = _project(tmp_path)
    (project / "layers" / "a.yaml").write_text(
        "id: a\ntitle: A\ntheme: other\nsource: {path: data/a.gpkg, layer: 0114}\ngeometry_type: Point\n"
        "provenance: p\nlicence: NO\nattribution: yes\naccuracy_m: 10\n", encoding="utf-8")
    spec = read_catalogue(project / "layers")["a"]
    assert (spec.source.layer, spec.licence, spec.attribution) == ("0114", "NO", "yes")


def test_duplicate_key_in_a_layer_spec(tmp_path):
    project = _project(tmp_path)
    (project / "layers" / "a.yaml").write_text("id: a\ntitle: A\nid: b\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"a.yaml: key 'id' is given twice \(lines 1 and 3\)"):
        read_catalogue(project / "layers")


def test_settings_give_root_and_allow_outside(tmp_path):
    project = _project(tmp_path / "p")
    (tmp_path / "out.gpkg").write_bytes(b"")
    (project / "layers" / "a.yaml").write_text(
        "id: a\ntitle: A\ntheme: other\nsource: ../out.gpkg\ngeometry_type: Point\n"
        "provenance: p\nlicence: l\nattribution: x\naccuracy_m: 10\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="outside the project folder"):
        read_catalogue(settings=Settings(project_root=project))
    cat = read_catalogue(settings=Settings(project_root=project, allow_outside=True))
    assert cat["a"].source.path == (tmp_path / "out.gpkg").resolve()
