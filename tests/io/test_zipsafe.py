"""Zip extraction refuses zip slip, symlinks, nested archives, bombs and encrypted members."""

from __future__ import annotations

import stat
import zipfile

import pytest

from jokkgeo.errors import DataSourceError
from jokkgeo.io import zipsafe
from jokkgeo.io.vector import read_vector


def _zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            zf.writestr(info, data)
    return path


def test_extracts_into_a_temporary_folder_that_is_removed(tmp_path):
    archive = _zip(tmp_path / "ok.zip", [("dir/a.txt", b"hej"), ("b.txt", "då".encode())])
    with zipsafe.extracted_zip(archive) as folder:
        assert (folder / "dir" / "a.txt").read_bytes() == b"hej"
        assert (folder / "b.txt").read_bytes() == "då".encode()
        assert not folder.is_relative_to(tmp_path)
    assert not folder.exists()


@pytest.mark.parametrize("name", ["../evil.shp", "/abs/evil.shp", "a/../../evil.shp", "C:/evil.shp", "..\\evil.shp"])
def test_member_escaping_the_folder_is_refused(tmp_path, name):
    archive = _zip(tmp_path / "slip.zip", [(zipfile.ZipInfo(name), b"x")])
    with pytest.raises(DataSourceError, match="outside the archive folder"):
        with zipsafe.extracted_zip(archive):
            pass
    assert not (tmp_path.parent / "evil.shp").exists()


def test_symlink_member_is_refused(tmp_path):
    info = zipfile.ZipInfo("link.shp")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = _zip(tmp_path / "link.zip", [(info, "/etc/passwd")])
    with pytest.raises(DataSourceError, match="symbolic link"):
        with zipsafe.extracted_zip(archive):
            pass


def test_nested_archive_is_refused(tmp_path):
    inner = _zip(tmp_path / "inner.zip", [("a.txt", b"a")])
    archive = _zip(tmp_path / "outer.zip", [("inner.zip", inner.read_bytes())])
    with pytest.raises(DataSourceError, match="nested archive"):
        read_vector(archive)


def test_zip_bomb_ratio_is_refused(tmp_path):
    archive = _zip(tmp_path / "bomb.zip", [("big.dbf", b"\0" * (20 * 1024 * 1024))])  # ~1000:1
    with pytest.raises(DataSourceError, match="zip bomb"):
        with zipsafe.extracted_zip(archive):
            pass


def test_total_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(zipsafe, "MAX_TOTAL_BYTES", 10)
    archive = _zip(tmp_path / "large.zip", [("a.txt", b"0123456789abc")])
    with pytest.raises(DataSourceError, match="would expand to"):
        with zipsafe.extracted_zip(archive):
            pass


def test_not_a_zip(tmp_path):
    (tmp_path / "fake.zip").write_text("not a zip", encoding="utf-8")
    with pytest.raises(DataSourceError, match="fake.zip: is not a valid zip archive"):
        read_vector(tmp_path / "fake.zip")


def test_zip_without_vector_data(tmp_path):
    archive = _zip(tmp_path / "docs.zip", [("readme.txt", b"hej")])
    with pytest.raises(DataSourceError, match="holds no .shp"):
        read_vector(archive)
