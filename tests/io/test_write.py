"""Atomic writers: no silent overwrite, interrupted writes keep old results, GeoPackage layers kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from iosample import make_points

from jokkgeo.errors import DataSourceError, OutputExistsError
from jokkgeo.io import write as w


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".jokkgeo-tmp-")]


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".fgb"])
def test_write_vector_roundtrip_and_refuses_overwrite(tmp_path, suffix):
    gdf = make_points()
    path = tmp_path / f"out{suffix}"
    w.write_vector(gdf, path)
    back = pyogrio.read_dataframe(path)
    assert back.crs.to_epsg() == 3006
    assert list(back["name"]) == list(gdf["name"])
    np.testing.assert_allclose(back.geometry.x, gdf.geometry.x)
    with pytest.raises(OutputExistsError, match="already exists; pass overwrite=True"):
        w.write_vector(gdf.iloc[:1], path)
    assert len(pyogrio.read_dataframe(path)) == 4
    w.write_vector(gdf.iloc[:1], path, overwrite=True)
    assert len(pyogrio.read_dataframe(path)) == 1
    assert _leftovers(tmp_path) == []


def test_interrupted_write_leaves_old_file_and_no_partial(tmp_path, monkeypatch):
    gdf = make_points()
    path = tmp_path / "result.gpkg"
    w.write_vector(gdf, path)
    before = path.read_bytes()

    def interrupted(frame, target, **kwargs):
        target.write_bytes(b"SQLite format 3\x00 half written")
        raise KeyboardInterrupt

    monkeypatch.setattr(pyogrio, "write_dataframe", interrupted)
    with pytest.raises(KeyboardInterrupt):
        w.write_vector(gdf.iloc[:1], path, overwrite=True)
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []
    # and a first-time write that fails leaves nothing at all
    with pytest.raises(KeyboardInterrupt):
        w.write_vector(gdf, tmp_path / "new.geojson")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.gpkg"]


def test_gpkg_layer_added_and_replaced_keeping_other_layers(tmp_path):
    gdf = make_points()
    path = tmp_path / "results.gpkg"
    w.write_gpkg_layers({"a": gdf, "b": gdf.iloc[:2]}, path)
    w.write_vector(gdf.iloc[:3], path, layer="c")  # adding a layer needs no overwrite
    with pytest.raises(OutputExistsError, match=r"layer\(s\) a already exist"):
        w.write_vector(gdf.iloc[:1], path, layer="a")
    w.write_vector(gdf.iloc[:1], path, layer="a", overwrite=True)
    layers = dict(pyogrio.list_layers(path))
    assert sorted(layers) == ["a", "b", "c"]
    assert [len(pyogrio.read_dataframe(path, layer=n)) for n in ("a", "b", "c")] == [1, 2, 3]


def test_failed_layer_update_keeps_existing_geopackage(tmp_path, monkeypatch):
    gdf = make_points()
    path = tmp_path / "results.gpkg"
    w.write_gpkg_layers({"a": gdf, "b": gdf}, path)
    before = path.read_bytes()
    real = pyogrio.write_dataframe

    def failing(frame, target, **kwargs):
        real(frame.iloc[:0], target, **kwargs)  # GDAL deletes the old layer first ...
        raise RuntimeError("disk full")  # ... then fails

    monkeypatch.setattr(pyogrio, "write_dataframe", failing)
    with pytest.raises(RuntimeError):
        w.write_vector(gdf.iloc[:1], path, layer="a", overwrite=True)
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_non_geopackage_file_is_never_deleted(tmp_path):
    path = tmp_path / "notes.gpkg"
    path.write_text("my notes", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="not a GeoPackage"):
        w.write_vector(make_points(), path, layer="x", overwrite=True)
    assert path.read_text(encoding="utf-8") == "my notes"


def test_symlink_is_replaced_not_written_through(tmp_path):
    target = tmp_path / "precious.geojson"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "out.geojson"
    link.symlink_to(target)
    with pytest.raises(OutputExistsError):
        w.write_vector(make_points(), link)
    w.write_vector(make_points(), link, overwrite=True)
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not link.is_symlink() and len(pyogrio.read_dataframe(link)) == 4


def test_dangling_symlink_counts_as_existing(tmp_path):
    link = tmp_path / "out.csv"
    link.symlink_to(tmp_path / "missing.csv")
    with pytest.raises(OutputExistsError):
        w.write_table(pd.DataFrame({"a": [1]}), link)


@pytest.mark.parametrize("bad", ["/vsimem/x.gpkg", "https://example.org/x.gpkg", "x.vrt", "x.shp"])
def test_writer_allow_list(tmp_path, bad):
    path = bad if ("/" in bad) else tmp_path / bad
    with pytest.raises(DataSourceError):
        w.write_vector(make_points(), path)


def test_write_table_csv_with_wkt_and_swedish_text(tmp_path):
    gdf = make_points()
    path = tmp_path / "t.csv"
    w.write_table(gdf, path)
    back = pd.read_csv(path, encoding="utf-8")
    assert list(back["name"]) == list(gdf["name"])
    assert shapely.from_wkt(back["geometry"].iloc[0]).equals(gdf.geometry.iloc[0])
    w.write_table(pd.DataFrame({"a": [1.5]}), tmp_path / "semi.csv", sep=";")
    assert (tmp_path / "semi.csv").read_text(encoding="utf-8").splitlines() == ["a", "1.5"]


def test_text_bytes_and_atomic_output(tmp_path):
    html = tmp_path / "maps" / "karta.html"
    w.write_text(html, "<p>Jåhkåmåhkke</p>")
    assert html.read_text(encoding="utf-8") == "<p>Jåhkåmåhkke</p>"
    with pytest.raises(OutputExistsError):
        w.write_text(html, "x")
    w.write_bytes(tmp_path / "fig.png", b"\x89PNG")
    assert (tmp_path / "fig.png").read_bytes() == b"\x89PNG"
    with pytest.raises(ValueError):
        with w.atomic_output(tmp_path / "half.json") as tmp:
            tmp.write_text("{", encoding="utf-8")
            raise ValueError("render failed")
    assert not (tmp_path / "half.json").exists()
    with pytest.raises(OutputExistsError, match="is a folder"):
        w.write_text(tmp_path / "maps", "x", overwrite=True)
    assert _leftovers(tmp_path) == [] and _leftovers(tmp_path / "maps") == []


def test_atomic_output_rechecks_before_rename(tmp_path):
    path = tmp_path / "race.txt"
    with pytest.raises(OutputExistsError):
        with w.atomic_output(path) as tmp:
            tmp.write_text("mine", encoding="utf-8")
            path.write_text("someone else's", encoding="utf-8")
    assert path.read_text(encoding="utf-8") == "someone else's"


def test_write_raster_tiled_deflate_nodata(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    array = np.arange(300 * 260, dtype="float32").reshape(300, 260)
    array[0, 0] = -9999
    path = tmp_path / "surface.tif"
    w.write_raster(array, path, transform=from_origin(700000, 7400000, 100, 100), crs="EPSG:3006", nodata=-9999)
    with rasterio.open(path) as src:
        assert src.profile["tiled"] and src.profile["compress"] == "deflate"
        assert src.nodata == -9999 and src.crs.to_epsg() == 3006
        np.testing.assert_array_equal(src.read(1), array)
    with pytest.raises(OutputExistsError):
        w.write_raster(array, path, transform=from_origin(0, 0, 1, 1), crs="EPSG:3006", nodata=0)


def test_unwritable_folder_is_a_user_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DataSourceError, match="cannot write into"):
        w.write_text(blocker / "sub" / "out.html", "x")


def test_geopackage_is_version_1_2_for_older_gdal_and_qgis(tmp_path):
    import sqlite3

    out = tmp_path / "results.gpkg"
    w.write_gpkg_layers({"a": make_points(), "b": make_points()}, out)
    with sqlite3.connect(out) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 10200
    assert sorted(pyogrio.list_layers(out)[:, 0]) == ["a", "b"]


def test_write_figure_writes_each_format_atomically_and_refuses_overwrite(tmp_path):
    """``write_figure`` (moved here from render.static.save_figure): same bytes as figure_bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from jokkgeo.render.static import figure_bytes

    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    written = w.write_figure(fig, tmp_path / "fig", formats=("png", "svg"), dpi=50)
    assert written == [tmp_path / "fig.png", tmp_path / "fig.svg"]
    assert written[0].read_bytes() == figure_bytes(fig, "png", dpi=50)
    assert written[1].read_bytes() == figure_bytes(fig, "svg", dpi=50)
    with pytest.raises(OutputExistsError):
        w.write_figure(fig, tmp_path / "fig", formats=("png",))
    assert w.write_figure(fig, tmp_path / "fig", formats=("png",), dpi=50, overwrite=True) == [tmp_path / "fig.png"]
    assert not _leftovers(tmp_path)
    plt.close(fig)
