"""Outputs GIS tools read cleanly, carrying their metadata; nothing lost on --overwrite; faults found early."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from iosample import make_points

from jokkgeo.errors import DataSourceError, JokkgeoError, OutputExistsError
from jokkgeo.io import write as w
from jokkgeo.io.write import LayerMetadata

META = LayerMetadata(
    title="Konflikter",
    description="Överlapp mellan planerad mark och renskötsel",
    caveats=["Schematiska gränser, ±10 km", "Kostar $5"],
    sources="Skarin & Åhman (2014)",
    restricted=True,
)


def _mixed() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"rule": ["a", "b", "c"]},
        geometry=[shapely.box(715000, 7395000, 716000, 7396000),
                  shapely.LineString([(715000, 7395000), (716000, 7396000)]),
                  shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)])],
        crs="EPSG:3006",
    )


def _geometry_columns(path) -> dict[str, str]:
    with sqlite3.connect(path) as con:
        return dict(con.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))


def test_mixed_geometries_become_one_layer_per_type(tmp_path):
    path = tmp_path / "conflicts.gpkg"
    w.write_gpkg_layers({"conflicts": _mixed(), "table": pd.DataFrame({"x": [1]})}, path)
    assert _geometry_columns(path) == {"conflicts_polygons": "MULTIPOLYGON", "conflicts_lines": "LINESTRING"}
    assert sorted(pyogrio.list_layers(path)[:, 0]) == ["conflicts_lines", "conflicts_polygons", "table"]
    assert pyogrio.read_dataframe(path, layer="conflicts_polygons")["rule"].tolist() == ["a", "c"]


def test_write_vector_single_type_layer_is_not_generic(tmp_path):
    path = tmp_path / "pts.gpkg"
    w.write_vector(make_points(), path, layer="pts")
    assert _geometry_columns(path) == {"pts": "POINT"}


def test_booleans_stay_booleans(tmp_path):
    gdf = make_points()
    gdf["illustrative"] = pd.Series([True, False, None, True], dtype=object)
    gdf["shared_stretch"] = [np.bool_(True), np.bool_(False), np.bool_(False), np.bool_(True)]
    gdf["shared_stretch"] = gdf["shared_stretch"].astype(object)
    gdf["concat_gap"] = pd.Series([True, np.nan, False, True], dtype=object)  # as pd.concat leaves it
    path = tmp_path / "cmp.gpkg"
    w.write_vector(gdf, path, layer="cmp")
    info = pyogrio.read_info(path, layer="cmp")
    subtypes = dict(zip(info["fields"], info["ogr_subtypes"], strict=False))
    assert subtypes["illustrative"] == "OFSTBoolean" and subtypes["shared_stretch"] == "OFSTBoolean"
    assert subtypes["concat_gap"] == "OFSTBoolean"
    assert "True" not in pyogrio.read_dataframe(path, layer="cmp")["shared_stretch"].astype(str).tolist()[1:2]


def test_geopackage_layers_carry_metadata(tmp_path):
    path = tmp_path / "results.gpkg"
    w.write_gpkg_layers({"conflicts": _mixed()}, path, metadata={"conflicts": META})
    with sqlite3.connect(path) as con:
        contents = dict(con.execute("SELECT table_name, description FROM gpkg_contents"))
        titles = dict(con.execute("SELECT table_name, identifier FROM gpkg_contents"))
        refs = con.execute(
            "SELECT r.table_name, m.metadata FROM gpkg_metadata_reference r JOIN gpkg_metadata m ON m.id = r.md_file_id"
        ).fetchall()
    for layer in ("conflicts_polygons", "conflicts_lines"):
        assert "RESTRICTED" in contents[layer]
        assert "Caveat: Schematiska gränser, ±10 km" in contents[layer]
        assert "Source: Skarin & Åhman (2014)" in contents[layer]
        assert titles[layer] == f"Konflikter ({layer})"
        assert any(t == layer and "restricted" in m for t, m in refs)
        tags = pyogrio.read_info(path, layer=layer)["layer_metadata"]
        assert tags["restricted"] == "true" and tags["written_by"] == "jokkgeo"
        assert "Schematiska" in tags["caveats"]


def test_geotiff_carries_metadata_tags(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path / "s.tif"
    w.write_raster(np.zeros((2, 2), "float32"), path, transform=from_origin(715000, 7396000, 100, 100),
                   crs="EPSG:3006", nodata=-1, metadata=META)
    with rasterio.open(path) as src:
        tags = src.tags()
    assert tags["restricted"] == "true" and tags["title"] == "Konflikter"
    assert "Schematiska" in tags["caveats"] and "Skarin" in tags["sources"]


def test_restricted_table_has_a_sidecar_saying_so(tmp_path):
    path = tmp_path / "shares.csv"
    w.write_table(pd.DataFrame({"sameby": ["Sirges"], "share": [0.5]}), path, metadata=META)
    sidecar = tmp_path / "shares.metadata.txt"
    assert sidecar.read_text(encoding="utf-8").startswith("RESTRICTED / BEGRÄNSAD")
    assert pd.read_csv(path).columns.tolist() == ["sameby", "share"]  # the table itself stays clean
    with pytest.raises(OutputExistsError):
        w.write_table(pd.DataFrame({"a": [1]}), path, metadata=META)
    w.write_table(pd.DataFrame({"a": [1]}), path, metadata=LayerMetadata("x"), overwrite=True)
    assert not sidecar.read_text(encoding="utf-8").startswith("RESTRICTED")


def test_csv_formula_injection_is_neutralised(tmp_path):
    df = pd.DataFrame({
        "name": ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "Jokkmokk", "-12", "-3,5"],
        "value": [-1, 2, -3.5, 4, 5, 6, 7, 8, 9],
    })
    path = tmp_path / "t.csv"
    w.write_table(df, path)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back["name"].tolist() == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx",
                                     "Jokkmokk", "-12", "-3,5"]
    assert back["value"].tolist()[:3] == ["-1.0", "2.0", "-3.5"]
    w.write_table(pd.DataFrame({"=cmd": [1]}), tmp_path / "h.csv")
    assert (tmp_path / "h.csv").read_text(encoding="utf-8").startswith("'=cmd")


# --- nothing lost ------------------------------------------------------------------

def test_gpkg_overwrite_keeps_other_layers(tmp_path):
    path = tmp_path / "mine.gpkg"
    pyogrio.write_dataframe(make_points(), path, layer="my_own_layer")
    w.write_gpkg_layers({"conflicts": make_points().iloc[:2]}, path, update=True)
    w.write_gpkg_layers({"conflicts": make_points().iloc[:1]}, path, overwrite=True)
    assert sorted(pyogrio.list_layers(path)[:, 0]) == ["conflicts", "my_own_layer"]
    assert len(pyogrio.read_dataframe(path, layer="my_own_layer")) == 4
    assert len(pyogrio.read_dataframe(path, layer="conflicts")) == 1


def test_gpkg_overwrite_refuses_a_non_geopackage(tmp_path):
    path = tmp_path / "notes.gpkg"
    path.write_text("my notes", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="not a GeoPackage"):
        w.write_gpkg_layers({"a": make_points()}, path, overwrite=True)
    with pytest.raises(OutputExistsError, match="not a GeoPackage"):
        w.write_vector(make_points(), path, overwrite=True)
    assert path.read_text(encoding="utf-8") == "my notes"


def test_atomic_dir_writes_marker_and_replaces_only_jokkgeo_folders(tmp_path):
    out = tmp_path / "report"
    with w.atomic_dir(out) as tmp:
        (tmp / "index.html").write_text("v1", encoding="utf-8")
    assert (out / w.BUNDLE_MARKER).is_file() and (out / "index.html").read_text() == "v1"
    with pytest.raises(OutputExistsError, match="already exists"):
        with w.atomic_dir(out):
            pass
    with w.atomic_dir(out, overwrite=True) as tmp:
        (tmp / "index.html").write_text("v2", encoding="utf-8")
    assert (out / "index.html").read_text() == "v2"
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_atomic_dir_refuses_the_projects_data_folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "roads.gpkg").write_bytes(b"precious")
    with pytest.raises(OutputExistsError, match="not written by jokkgeo"):
        with w.atomic_dir(data, overwrite=True) as tmp:
            (tmp / "index.html").write_text("x", encoding="utf-8")
    assert (data / "roads.gpkg").read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_atomic_dir_failure_keeps_old_bundle_and_removes_temp(tmp_path):
    out = tmp_path / "report"
    with w.atomic_dir(out) as tmp:
        (tmp / "index.html").write_text("v1", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        with w.atomic_dir(out, overwrite=True) as tmp:
            (tmp / "index.html").write_text("half", encoding="utf-8")
            raise KeyboardInterrupt
    assert (out / "index.html").read_text() == "v1"
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temps_of_killed_runs_are_removed(tmp_path):
    dead = _dead_pid()
    stale_dir = tmp_path / f".report.tmp-{dead}-abcd1234"
    stale_dir.mkdir()
    (stale_dir / "big.bin").write_bytes(b"x" * 1000)
    stale_out = tmp_path / f".jokkgeo-tmp-{dead}-xyz"
    stale_out.mkdir()
    legacy = tmp_path / ".report.tmp-k3j4h5g6"
    legacy.mkdir()
    os.utime(legacy, (0, 0))
    alive = tmp_path / f".report.tmp-{os.getpid()}-live"
    alive.mkdir()
    user = tmp_path / ".report.tmp-notes"
    user.mkdir()
    with w.atomic_dir(tmp_path / "report") as tmp:
        (tmp / "x").write_text("x", encoding="utf-8")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([alive.name, user.name, "report"])
    alive.rmdir()
    w.write_text(tmp_path / "a.txt", "x")  # file writers clean up too
    stale_out.mkdir()
    w.write_text(tmp_path / "b.txt", "x")
    assert not stale_out.exists()


# --- faults found early -------------------------------------------------------------

def test_check_output_path_names(tmp_path):
    with pytest.raises(DataSourceError, match="control character"):
        w.check_output_path(tmp_path / "bad\nname.gpkg")
    with pytest.raises(DataSourceError, match="at most 255"):
        w.check_output_path(tmp_path / ("x" * 300 + ".gpkg"))
    with pytest.raises(DataSourceError, match="at most 255"):
        w.check_output_path(tmp_path / ("å" * 130), kind="dir")  # 260 bytes in UTF-8
    assert w.check_output_path(tmp_path / "new" / "out.gpkg") == tmp_path / "new" / "out.gpkg"


def test_check_output_path_file_where_folder_expected(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DataSourceError, match="is a file, not a folder"):
        w.check_output_path(blocker / "sub" / "out.gpkg")
    with pytest.raises(OutputExistsError, match="not a folder"):
        w.check_output_path(blocker, overwrite=True, kind="dir")


def test_check_output_path_existing(tmp_path):
    (tmp_path / "a.csv").write_text("x", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="already exists"):
        w.check_output_path(tmp_path / "a.csv")
    assert w.check_output_path(tmp_path / "a.csv", overwrite=True)
    (tmp_path / "n.gpkg").write_text("notes", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="not a GeoPackage"):
        w.check_output_path(tmp_path / "n.gpkg", overwrite=True)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="not written by jokkgeo"):
        w.check_output_path(tmp_path / "d", overwrite=True, kind="dir")


def test_check_output_path_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user (root) that can write into read-only folders")
        with pytest.raises(DataSourceError, match="permission denied"):
            w.check_output_path(folder / "out.gpkg")
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("code, text", [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only"),
                                        (errno.EACCES, "permission denied"), (errno.ENAMETOOLONG, "too long")])
def test_os_errors_while_writing_become_clear_errors(tmp_path, monkeypatch, code, text):
    def failing(src, dst):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(w.os, "replace", failing)
    with pytest.raises(JokkgeoError, match=text):
        w.write_text(tmp_path / "out.html", "x")
    with pytest.raises(JokkgeoError, match=text):
        with w.atomic_dir(tmp_path / "bundle") as tmp:
            (tmp / "x").write_text("x", encoding="utf-8")


def test_metadata_from_a_layer_spec():
    from types import SimpleNamespace

    spec = SimpleNamespace(title="Samebyar", description="Schematiska gränser", description_en=None,
                           label=lambda lang: "Samebyar" if lang == "sv" else "Sámi villages",
                           caveat_text=lambda lang: "Samråd med samebyn", attribution="Sametinget",
                           licence="CC BY 4.0", provenance="hand-drawn", restricted=True, illustrative=True)
    meta = LayerMetadata.from_spec(spec, language="en", caveats=["Buffers are approximate"], sources=["Skarin 2014"])
    assert meta.title == "Sámi villages" and meta.restricted
    assert meta.caveats == ("Illustrative / schematic data", "Samråd med samebyn", "Buffers are approximate")
    assert meta.sources[-1] == "Skarin 2014" and "licence: CC BY 4.0" in meta.sources
    assert not LayerMetadata.from_spec(spec, restricted=False).restricted
