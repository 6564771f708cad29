"""Map recipes: parsing and validation (errors name the file and key)."""

import pytest
import yaml

from jokkgeo.config.recipes import parse_recipe
from jokkgeo.errors import CatalogueError, DataSourceError
from jokkgeo.io.configs import read_recipe, read_recipes

LAYERS = ["boundary", "roads", "investment_areas"]
TYPES = ["conflicts", "catchments"]


def _parse(data, tmp_path, name="r.yaml"):
    path = tmp_path / name
    return parse_recipe(data, path, layer_ids=LAYERS, analysis_types=TYPES)


def test_full_recipe(tmp_path):
    r = _parse({
        "title": "Kallak", "title_en": "Kallak EN",
        "layers": ["roads", {"id": "boundary", "show": False, "style": {"weight": 1}}],
        "analyses": [{"type": "conflicts", "development": ["investment_areas"], "sensitive": ["roads"]}],
        "extent": [700000, 7300000, 800000, 7400000], "extent_buffer_m": 1000,
        "caveats": ["A"], "figure": {"size": "a3_landscape", "dpi": 150, "formats": ["png"]},
    }, tmp_path)
    assert r.id == "r" and r.label("en") == "Kallak EN" and r.label() == "Kallak"
    assert [lay.id for lay in r.layers] == ["roads", "boundary"] and r.layers[1].show is False
    assert r.analyses[0].type == "conflicts" and r.analyses[0].get("development") == ["investment_areas"]
    assert r.extent == (700000.0, 7300000.0, 800000.0, 7400000.0)
    assert r.figure.size_in == (16.54, 11.69) and r.figure.formats == ("png",)


@pytest.mark.parametrize(
    "data, key",
    [
        ({"layers": ["roads"]}, "title"),
        ({"title": "t", "layers": ["nope"]}, r"layers\[0\]\.id"),
        ({"title": "t", "layers": ["roads"], "colour": 1}, "colour"),
        ({"title": "t", "layers": [{"id": "roads", "style": {"colour": "red"}}]}, r"layers\[0\]\.style\.colour"),
        ({"title": "t", "analyses": [{"type": "magic"}]}, r"analyses\[0\]\.type"),
        ({"title": "t", "layers": ["roads"], "extent": [1, 2, 3]}, "extent"),
        ({"title": "t", "layers": ["roads"], "extent": [20.0, 66.0, 21.0, 67.0]}, "extent"),
        ({"title": "t", "layers": ["roads"], "figure": {"dpi": 10}}, r"figure\.dpi"),
        ({"title": "t", "layers": ["roads"], "figure": {"formats": ["gif"]}}, r"figure\.formats\[0\]"),
        ({"title": "t"}, "layers"),
    ],
)
def test_errors_name_file_and_key(tmp_path, data, key):
    with pytest.raises(CatalogueError, match=rf"r\.yaml: key '{key}'"):
        _parse(data, tmp_path)


def test_load_recipes_sorted_and_unique(tmp_path):
    (tmp_path / "b.yaml").write_text(yaml.safe_dump({"title": "B", "layers": ["roads"]}), encoding="utf-8")
    (tmp_path / "a.yaml").write_text(yaml.safe_dump({"title": "A", "layers": ["roads"]}), encoding="utf-8")
    recipes = read_recipes(tmp_path, layer_ids=LAYERS, analysis_types=TYPES)
    assert [r.id for r in recipes] == ["a", "b"]
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({"id": "a", "title": "C", "layers": ["roads"]}), encoding="utf-8")
    with pytest.raises(CatalogueError, match="already used"):
        read_recipes(tmp_path, layer_ids=LAYERS, analysis_types=TYPES)


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("title: !!python/object/apply:os.system ['echo hi']\nlayers: [roads]\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="evil.yaml"):
        read_recipe(path, layer_ids=LAYERS, analysis_types=TYPES)


def test_missing_folder(tmp_path):
    with pytest.raises(DataSourceError, match="maps"):
        read_recipes(tmp_path / "maps")


def test_analysis_type_is_generic_unless_known_types_given(tmp_path):
    # the config layer must not import the report: types are checked against the
    # report's table only when the caller passes it (known_types)
    r = parse_recipe({"title": "t", "analyses": [{"type": "anything", "k": 1}]}, tmp_path / "x.yaml")
    assert (r.analyses[0].type, dict(r.analyses[0].params)) == ("anything", {"k": 1})
    with pytest.raises(CatalogueError, match=r"x\.yaml: key 'analyses\[0\]\.type': 'anything' is not"):
        parse_recipe({"title": "t", "analyses": [{"type": "anything"}]}, tmp_path / "x.yaml",
                     known_types=["conflicts"])


def test_report_recipe_types_table(tmp_path):
    from jokkgeo.report import RECIPE_TYPES

    assert {"catchments", "conflicts", "influence", "screening"} <= set(RECIPE_TYPES)
    r = parse_recipe({"title": "t", "analyses": [{"type": "conflicts"}]}, tmp_path / "x.yaml")
    assert r.analyses[0].type == "conflicts"
