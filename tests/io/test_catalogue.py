"""Layer catalogue validation: every error names the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jokkgeo.errors import CatalogueError, DataSourceError
from jokkgeo.io.configs import read_catalogue
from jokkgeo.io.paths import resolve_path

BASE = {
    "id": "settlements",
    "title": "Tätorter och byar",
    "title_en": "Settlements",
    "theme": "settlements",
    "source": {"path": "data/pts.gpkg", "layer": "pts"},
    "geometry_type": "Point",
    "provenance": "SCB",
    "licence": "CC0 1.0",
    "attribution": "© SCB",
    "accuracy_m": 500,
}


def _project(tmp_path: Path, *specs: dict) -> Path:
    (tmp_path / "layers").mkdir(parents=True, exist_ok=True)
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "pts.gpkg").write_bytes(b"x")
    for k, spec in enumerate(specs):
        (tmp_path / "layers" / f"{spec.get('id', k)}.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True),
                                                                         encoding="utf-8")
    return tmp_path / "layers"


def _with(**changes):
    spec = {**BASE, **changes}
    return {k: v for k, v in spec.items() if v is not ...}


def test_valid_catalogue(tmp_path):
    cat = read_catalogue(_project(tmp_path, BASE, _with(id="roads", theme="roads", geometry_type="LineString")))
    assert sorted(cat) == ["roads", "settlements"]
    spec = cat["settlements"]
    assert spec.source.path == (tmp_path / "data" / "pts.gpkg").resolve()
    assert spec.label("sv") == "Tätorter och byar" and spec.label("en") == "Settlements"
    assert [s.id for s in cat.by_theme("roads")] == ["roads"]
    with pytest.raises(CatalogueError, match="no layer with id 'rail'; available: roads, settlements"):
        cat["rail"]


def test_catalogue_is_a_mapping_missing_id_is_a_key_error(tmp_path):
    # bug: cat["x"] raised a CatalogueError that was no KeyError, so `in` and .get() raised
    cat = read_catalogue(_project(tmp_path, BASE))
    assert "rail" not in cat and "settlements" in cat
    assert cat.get("rail") is None and cat.get("rail", 1) == 1
    with pytest.raises(KeyError):
        cat["rail"]


@pytest.mark.parametrize(
    "spec, message",
    [
        (_with(colour="red"), "key 'colour': unknown key"),
        (_with(source={"path": "data/pts.gpkg", "lyr": "x"}), "key 'source.lyr': unknown key"),
        (_with(accuracy_m="ten"), "key 'accuracy_m': expected a number of metres, got str 'ten'"),
        (_with(accuracy_m=-5), "key 'accuracy_m': must be positive"),
        (_with(illustrative="yes"), "key 'illustrative': expected true or false"),
        (_with(theme="mines"), "key 'theme': 'mines' is not a theme"),
        (_with(geometry_type="Polygons"), "key 'geometry_type'"),
        (_with(licence=...), "key 'licence': missing"),
        (_with(source={"path": "data/pts.gpkg", "crs": "EPSG:99999"}),
         "key 'source.crs': 'EPSG:99999' is not a known CRS"),
        (_with(source={"path": "../outside.gpkg"}), "outside the project folder"),
        (_with(source={"path": "/etc/passwd.gpkg"}), "outside the project folder"),
        (_with(source={"path": "data/layers.vrt"}), "format '.vrt' which jokkgeo does not open"),
        (_with(source={"path": "/vsicurl/http://x/a.gpkg"}), "URL or GDAL virtual path"),
        (_with(source={"path": "https://example.org/a.geojson"}), "URL or GDAL virtual path"),
        (_with(style={"colour": "red"}), "key 'style.colour': unknown key"),
    ],
)
def test_spec_errors_name_file_and_key(tmp_path, spec, message):
    with pytest.raises(CatalogueError, match=message) as info:
        read_catalogue(_project(tmp_path, spec))
    assert "settlements.yaml" in str(info.value)


def test_missing_data_file(tmp_path):
    with pytest.raises(DataSourceError, match=r"settlements.yaml: key 'source.path': file .*nope.gpkg does not exist"):
        read_catalogue(_project(tmp_path, _with(source={"path": "data/nope.gpkg"})))


def test_symlink_escaping_project_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.gpkg").write_bytes(b"x")
    project = tmp_path / "proj"
    layers = _project(project, _with(source={"path": "data/link.gpkg"}))
    (project / "data" / "link.gpkg").symlink_to(outside / "secret.gpkg")
    with pytest.raises(CatalogueError, match="outside the project folder"):
        read_catalogue(layers)
    assert len(read_catalogue(layers, allow_outside=True)) == 1


def test_duplicate_ids_and_yaml_syntax(tmp_path):
    layers = _project(tmp_path, BASE)
    (layers / "copy.yaml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    with pytest.raises(CatalogueError, match="'settlements' is already used"):
        read_catalogue(layers)
    (layers / "copy.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"copy.yaml: invalid YAML at line"):
        read_catalogue(layers)


def test_yaml_is_loaded_safely(tmp_path):
    layers = _project(tmp_path)
    (layers / "evil.yaml").write_text("!!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="evil.yaml: invalid YAML"):
        read_catalogue(layers)


def test_empty_or_missing_catalogue_folder(tmp_path):
    with pytest.raises(DataSourceError, match="catalogue folder does not exist"):
        read_catalogue(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataSourceError, match="no \\*.yaml layer specs"):
        read_catalogue(tmp_path / "empty")


def test_resolve_path_allows_inside(tmp_path):
    assert resolve_path("data/a.gpkg", root=tmp_path, origin="o") == (tmp_path / "data" / "a.gpkg").resolve()
