"""Layer specs and the Catalogue mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from jokkgeo.config.layers import Catalogue, parse_layer_spec
from jokkgeo.errors import CatalogueError

SPEC = {
    "id": "roads", "title": "Vägar", "theme": "roads", "source": {"path": "data/roads.gpkg", "layer": "roads"},
    "geometry_type": "LineString", "provenance": "p", "licence": "CC0", "attribution": "a", "accuracy_m": 10,
}


def _spec(**changes):
    data = {**SPEC, **changes}
    return parse_layer_spec({k: v for k, v in data.items() if v is not ...}, Path("layers/roads.yaml"))


def test_parse_reads_no_file_and_keeps_the_path_as_written():
    spec = _spec()
    assert spec.source.path == Path("data/roads.gpkg") and spec.source.layer == "roads"


def test_resolve_callable_gets_raw_path_and_key():
    seen = []
    spec = parse_layer_spec(SPEC, "l.yaml", resolve=lambda raw, key: seen.append((raw, key)) or Path("/abs") / raw)
    assert seen == [("data/roads.gpkg", "source.path")] and spec.source.path == Path("/abs/data/roads.gpkg")


def test_key_prefix_names_the_key_inside_a_bigger_file():
    with pytest.raises(CatalogueError, match=r"^s.yaml: key 'add_layers\[0\].accuracy_m': must be positive"):
        parse_layer_spec({**SPEC, "accuracy_m": -1}, "s.yaml", key_prefix="add_layers[0]")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"accuracy_m": "ten"}, "key 'accuracy_m': expected a number of metres, got str 'ten'"),
        ({"illustrative": "yes"}, "key 'illustrative': expected true or false, got str 'yes'"),
        ({"id": "a b"}, "key 'id': 'a b' is not a valid id"),
        ({"sensitivity": "secret"}, "key 'sensitivity': 'secret' is not a sensitivity; use one of: public"),
        ({"style": {"colour": "red"}}, "key 'style.colour': unknown key 'colour'"),
        ({"attributes": {"keep": "name"}}, "key 'attributes.keep': expected a list of texts"),
        ({"source": {"path": "a.gpkg", "band": 0}}, "key 'source.band': must be at least 1"),
    ],
)
def test_errors(changes, message):
    with pytest.raises(CatalogueError, match=message):
        _spec(**changes)


def test_catalogue_is_a_mapping():
    roads = _spec()
    cat = Catalogue({"roads": roads}, Path("layers"))
    assert "roads" in cat and "rail" not in cat
    assert cat.get("rail") is None and cat.get("roads") is roads
    assert list(cat) == ["roads"] and len(cat) == 1 and dict(cat) == {"roads": roads}
    with pytest.raises(KeyError):
        cat["rail"]
    with pytest.raises(CatalogueError, match="layers: no layer with id 'rail'; available: roads") as info:
        cat["rail"]
    assert str(info.value) == "layers: no layer with id 'rail'; available: roads"
    assert cat.by_theme("roads") == [roads]
