"""``jokkgeo layers list|check`` on a tiny project built in tmp_path."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
import yaml
from click.testing import CliRunner
from rasterio.transform import from_origin

from jokkgeo.cli.main import cli


def _spec(ident, theme, gtype, source, **extra):
    return {"id": ident, "title": f"Lager {ident}", "title_en": f"Layer {ident}", "theme": theme, "source": source,
            "geometry_type": gtype, "provenance": "made in test", "licence": "CC0 1.0", "attribution": "jokkgeo tests",
            "accuracy_m": 10, **extra}


@pytest.fixture
def project(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    bowtie = shapely.affinity.translate(shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)]), 715000, 7395000)
    pts = gpd.GeoDataFrame({"name": ["Jokkmokk", "Porjus", "Vuollerim"]},
                           geometry=shapely.points([715000, 690000, 760000], [7395000, 7440000, 7370000]), crs=3006)
    polys = gpd.GeoDataFrame({"sameby": ["Jåhkågasska", "Sirges", "Tuorpon"]},
                             geometry=[bowtie, shapely.box(700000, 7400000, 710000, 7410000), None], crs=3006)
    pyogrio.write_dataframe(pts, data / "study.gpkg", layer="settlements")
    pyogrio.write_dataframe(polys, data / "study.gpkg", layer="samebyar")
    with rasterio.open(data / "dem.tif", "w", driver="GTiff", width=5, height=4, count=1, dtype="float32",
                       crs="EPSG:3006", transform=from_origin(700000, 7400000, 100, 100), nodata=-9999) as dst:
        dst.write(np.ones((4, 5), "float32"), 1)
    specs = [
        _spec("settlements", "settlements", "Point", {"path": "data/study.gpkg", "layer": "settlements"}),
        _spec("reindeer", "reindeer_herding", "Polygon", {"path": "data/study.gpkg", "layer": "samebyar"},
              sensitivity="restricted", illustrative=True, consent="samråd 2026",
              caveat="Schematiskt: idealiserat normalår; samråd med samebyn krävs.",
              caveat_en="Schematic: idealised normal year; consultation with the sameby required."),
        _spec("dem", "other", "Raster", {"path": "data/dem.tif"}),
    ]
    layers = tmp_path / "layers"
    layers.mkdir()
    for spec in specs:
        (layers / f"{spec['id']}.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def _row(output, name):
    return next(line for line in output.splitlines() if line.startswith(name + " "))


def test_layers_list(project):
    result = _invoke("layers", "list", "--catalog", project / "layers")
    assert result.exit_code == 0, result.output
    row = _row(result.output, "reindeer")
    assert "reindeer_herding" in row and "Lager reindeer" in row and "data/study.gpkg:samebyar" in row
    assert "restricted,illustrative" in row
    en = _invoke("layers", "list", "--catalog", project / "layers", "--lang", "en")
    assert "Layer reindeer" in _row(en.output, "reindeer")


def test_layers_check_table(project):
    result = _invoke("layers", "check", "--catalog", project / "layers")
    assert result.exit_code == 0, result.output
    settlements = _row(result.output, "settlements")
    assert re.search(r"settlements\s+ok\s+3\s+Point 3\s+EPSG:3006\s+690000 7370000 760000 7440000", settlements)
    reindeer = _row(result.output, "reindeer")
    assert "1 null dropped, 1 repaired" in reindeer and "MultiPolygon 1, Polygon 1" in reindeer
    dem = _row(result.output, "dem")
    assert "raster 5x4x1" in dem and "nodata=-9999" in dem and "700000 7399600 700500 7400000" in dem
    expected = "reindeer: [restricted, illustrative] Schematiskt: idealiserat normalår; samråd med samebyn krävs."
    assert expected in result.output
    assert "3 layer(s) checked, 0 with errors" in result.output
    en = _invoke("layers", "check", "--catalog", project / "layers", "--lang", "en")
    assert "Schematic: idealised normal year" in en.output


def test_layers_check_errors_exit_2_and_other_layers_still_checked(project):
    layers = project / "layers"
    bad = yaml.safe_load((layers / "settlements.yaml").read_text(encoding="utf-8"))
    bad.update(id="placeholder", licence="unknown")
    (layers / "placeholder.yaml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    wrong = dict(bad, id="wrongtype", licence="CC0", geometry_type="LineString")
    (layers / "wrongtype.yaml").write_text(yaml.safe_dump(wrong), encoding="utf-8")
    (layers / "broken.yaml").write_text("id: broken\ntheme: [\n", encoding="utf-8")
    missing = dict(bad, id="missing", licence="CC0", source={"path": "data/nope.gpkg"})
    (layers / "missing.yaml").write_text(yaml.safe_dump(missing), encoding="utf-8")
    noacc = dict(bad, id="noaccuracy", licence="CC0")
    noacc.pop("accuracy_m")
    (layers / "noaccuracy.yaml").write_text(yaml.safe_dump(noacc), encoding="utf-8")
    result = _invoke("layers", "check", "--catalog", layers)
    assert result.exit_code == 2
    assert "noaccuracy: error:" in result.stderr and "key 'accuracy_m': missing" in result.stderr
    assert "Traceback" not in result.output
    err = result.stderr
    assert "placeholder: error:" in err and "key 'licence' is 'unknown'" in err
    assert "wrongtype: error:" in err and "declared geometry_type LineString but found 3 Point" in err
    assert "broken: error:" in err and "invalid YAML" in err
    assert "missing: error:" in err and "nope.gpkg does not exist" in err
    assert "ok" in _row(result.output, "settlements")
    assert "8 layer(s) checked, 5 with errors" in result.output


def test_restricted_layer_without_consent_or_caveat_is_flagged(project):
    layers = project / "layers"
    spec = yaml.safe_load((layers / "reindeer.yaml").read_text(encoding="utf-8"))
    for key in ("consent", "caveat", "caveat_en"):
        spec.pop(key)
    (layers / "reindeer.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = _invoke("layers", "check", "--catalog", layers)
    assert result.exit_code == 0
    assert "reindeer: warning: restricted layer without a consent note" in result.output
    assert "reindeer: warning: restricted/illustrative layer without a caveat" in result.output


def test_missing_catalogue_exits_2(tmp_path):
    result = _invoke("layers", "check", "--catalog", tmp_path / "nowhere")
    assert result.exit_code == 2 and "catalogue folder does not exist" in result.stderr


def test_version_and_quiet():
    result = _invoke("--version")
    assert result.exit_code == 0 and "jokkgeo" in result.output
    assert _invoke("-q", "layers", "--help").exit_code == 0


def test_check_flags_a_style_the_renderers_cannot_draw(project):
    spec_path = project / "layers" / "settlements.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    spec["style"] = {"marker": "plane", "popup": ["name", "befolkning"]}
    spec_path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    result = _invoke("layers", "check", "--catalog", project / "layers")
    assert result.exit_code == 2
    assert "key 'style.marker': 'plane'" in result.output
    assert "column 'befolkning'" in result.output
