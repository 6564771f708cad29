"""The one path guard (jokkgeo.io.paths)."""

from __future__ import annotations

import pytest

from jokkgeo.errors import CatalogueError, DataSourceError
from jokkgeo.io.paths import YAML_SUFFIXES, resolve_path


def test_inside_root(tmp_path):
    assert resolve_path("data/a.gpkg", root=tmp_path, origin="o") == (tmp_path / "data" / "a.gpkg").resolve()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("/vsicurl/http://x/a.gpkg", "URL or GDAL virtual path"),
        ("/VSIZIP/a.zip/x.shp", "URL or GDAL virtual path"),
        ("https://example.org/a.geojson", "URL or GDAL virtual path"),
        ("file:///etc/passwd.gpkg", "URL or GDAL virtual path"),
        ("data/layers.vrt", "format '.vrt'"),
        ("data/layers.VRT", "format '.vrt'"),
        ("../outside.gpkg", "outside the project folder"),
        ("/etc/passwd.gpkg", "outside the project folder"),
    ],
)
def test_refused(tmp_path, raw, message):
    with pytest.raises(CatalogueError, match=f"^o.yaml: key 'source.path': .*{message}"):
        resolve_path(raw, root=tmp_path, origin="o.yaml: key 'source.path'")


def test_symlink_out_of_the_project_is_outside(tmp_path):
    (tmp_path / "project").mkdir()
    (tmp_path / "secret.gpkg").write_text("x")
    (tmp_path / "project" / "link.gpkg").symlink_to(tmp_path / "secret.gpkg")
    with pytest.raises(CatalogueError, match="outside the project"):
        resolve_path("link.gpkg", root=tmp_path / "project", origin="o")
    assert resolve_path("link.gpkg", root=tmp_path / "project", origin="o", allow_outside=True).exists()


def test_yaml_suffixes_and_must_exist(tmp_path):
    with pytest.raises(CatalogueError, match="format '.gpkg'"):
        resolve_path("a.gpkg", root=tmp_path, origin="o", suffixes=YAML_SUFFIXES)
    with pytest.raises(DataSourceError, match="o: file .*a.yaml does not exist"):
        resolve_path("a.yaml", root=tmp_path, origin="o", suffixes=YAML_SUFFIXES, must_exist=True)
