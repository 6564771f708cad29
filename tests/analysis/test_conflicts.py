"""Conflict overlay engine: areas, distances and bands worked out by hand; local == dask; 1 == n threads."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.integrate import quad
from shapely.geometry import LineString, Point, box

from jokkgeo.analysis.conflicts import KEY_COLUMNS, EngineOptions, conflicts, rule_pairs
from jokkgeo.analysis.decay import decay
from jokkgeo.config.rules import DECAY_SHAPES, parse_rules
from jokkgeo.errors import AnalysisError, CRSError

from .helpers_conflicts import ngon_area, one_rule, spec

ROOT = Path(__file__).resolve().parents[2]
CRS = "EPSG:3006"


def gdf(geoms, **cols):
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs=CRS)


def test_overlap_of_squares_and_distance_by_hand():
    dev = gdf([box(0, 0, 100, 100)], site_id=["d1"])
    sens = gdf([box(50, 50, 250, 250), box(105, 0, 200, 100), box(300, 0, 400, 100)], name=["A", "B", "C"])
    res = conflicts({"dev": dev, "sens": sens}, rules=one_rule([10]))
    t = res.table.set_index("sens_id")
    assert sorted(t.index) == ["0", "1"]  # C lies 200 m away, beyond the 10 m zone
    a = t.loc["0"]
    assert a["distance_m"] == 0 and a["overlap_area_m2"] == pytest.approx(2500.0)
    # buffer ∩ A: the 60 m × 60 m square [50,110]² minus the corner outside the rounded buffer
    quarter = ngon_area(10) / 4
    assert a["zoi_area_m2"] == pytest.approx(3600 - 100 + quarter, rel=1e-9)
    assert a["zoi_share"] == pytest.approx(a["zoi_area_m2"] / 40000)
    b = t.loc["1"]
    assert b["distance_m"] == pytest.approx(5.0) and b["overlap_area_m2"] == 0
    assert b["zoi_area_m2"] == pytest.approx(5 * 100)  # strip x 105..110 along the flat side
    assert set(t["dev_id"]) == {"d1"} and set(t["sens_label"]) == {"A", "B"}
    assert (t["citation"] == "Test reference (2024).").all() and res.citations == {"ref": "Test reference (2024)."}


def test_overlap_of_circles_by_hand():
    # half of a 64-gon of radius 50 lies in x >= 0 (vertices at 90° and 270°)
    sens = gdf([Point(0, 0).buffer(50, quad_segs=16)])
    dev = gdf([box(0, -100, 100, 100)])
    res = conflicts({"dev": dev, "sens": sens}, rules=one_rule([1]))
    assert res.table["overlap_area_m2"].iloc[0] == pytest.approx(ngon_area(50) / 2, rel=1e-12)
    # a point development inside a big polygon: the zone is the whole 64-gon
    res = conflicts({"dev": gdf([Point(0, 0)]), "sens": gdf([box(-1e4, -1e4, 1e4, 1e4)])}, rules=one_rule([300]))
    assert res.table["zoi_area_m2"].iloc[0] == pytest.approx(ngon_area(300), rel=1e-12)


@pytest.mark.parametrize("shape", DECAY_SHAPES)
def test_zone_bands_and_weighted_area_for_each_decay_shape(shape):
    zones = [100.0, 200.0, 300.0]
    res = conflicts({"dev": gdf([Point(0, 0)]), "sens": gdf([box(-1e4, -1e4, 1e4, 1e4)])},
                    rules=one_rule(zones, decay=shape))
    z = res.zones.set_index("band")
    rings = [ngon_area(100), ngon_area(200) - ngon_area(100), ngon_area(300) - ngon_area(200)]
    assert z.loc["overlap", "area_m2"] == 0  # a point has no area
    np.testing.assert_allclose(z.loc[["z1", "z2", "z3"], "area_m2"], rings, rtol=1e-9)
    np.testing.assert_allclose(z.loc[["z1", "z2", "z3"], "zone_outer_m"], zones)
    # each band weighs the mean of the decay over its distances (computed here by quadrature)
    means = [quad(lambda d: float(decay(d, shape=shape, radius_m=300.0)), a, b)[0] / (b - a)
             for a, b in [(0, 100), (100, 200), (200, 300)]]
    np.testing.assert_allclose(z.loc[["z1", "z2", "z3"], "mean_influence"], means, rtol=1e-9)
    assert res.table["weighted_area_m2"].iloc[0] == pytest.approx(float(np.dot(rings, means)), rel=1e-9)
    assert res.table["zoi_area_m2"].iloc[0] == pytest.approx(ngon_area(300), rel=1e-9)
    if shape == "step":
        assert res.table["weighted_area_m2"].iloc[0] == pytest.approx(ngon_area(300), rel=1e-9)


def test_influence_at_nearest_point_follows_decay():
    dev = gdf([Point(0, 0)])
    sens = gdf([box(150, -10, 160, 10)])  # 150 m away
    res = conflicts({"dev": dev, "sens": sens}, rules=one_rule([300], decay="linear"))
    assert res.table["distance_m"].iloc[0] == pytest.approx(150.0)
    assert res.table["influence"].iloc[0] == pytest.approx(0.5)


def test_line_sensitive_features_report_lengths():
    dev = gdf([box(0, 0, 100, 100)])
    route = gdf([LineString([(-50, 50), (150, 50)])], route_id=["R1"])
    res = conflicts({"dev": dev, "route": route}, rules=one_rule([10], sens="route"))
    row = res.table.iloc[0]
    assert row["sens_id"] == "R1"
    assert row["overlap_length_m"] == pytest.approx(100.0) and row["zoi_length_m"] == pytest.approx(120.0)
    assert row["zoi_area_m2"] == 0 and row["zoi_share"] == pytest.approx(120 / 200)


def test_keys_are_stable_when_rows_are_reordered_and_inputs_untouched():
    dev = gdf([box(0, 0, 10, 10), box(500, 0, 510, 10)], site_id=["a", "b"])
    sens = gdf([box(0, 0, 600, 600)], area_id=["s"])
    before = dev.copy()
    r1 = conflicts({"dev": dev, "sens": sens}, rules=one_rule([5]))
    r2 = conflicts({"dev": dev.iloc[::-1], "sens": sens}, rules=one_rule([5]))
    pd.testing.assert_frame_equal(r1.table, r2.table)
    assert list(r1.table[KEY_COLUMNS].itertuples(index=False, name=None)) == [
        ("r", "dev", "a", "sens", "s"), ("r", "dev", "b", "sens", "s")]
    pd.testing.assert_frame_equal(dev, before)


def test_pairs_engine_matches_geopandas_overlay():
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 1000, (300, 2))
    dev = shapely.box(xy[:, 0], xy[:, 1], xy[:, 0] + 20, xy[:, 1] + 20)
    sens = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(rng.uniform(0, 1000, (30, 2)))))
    res = rule_pairs(dev, sens, [15.0])
    a = gpd.GeoDataFrame(geometry=shapely.buffer(dev, 15.0, quad_segs=16), crs=CRS)
    b = gpd.GeoDataFrame(geometry=sens, crs=CRS)
    ov = gpd.overlay(a, b, how="intersection")
    assert len(res["dev_pos"]) == len(ov)
    assert res["area_m2"][:, -1].sum() == pytest.approx(ov.area.sum(), rel=1e-9)


def test_local_and_dask_engines_give_identical_results():
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 5000, (400, 2))
    dev = gdf(shapely.box(xy[:, 0], xy[:, 1], xy[:, 0] + 40, xy[:, 1] + 25), site_id=[f"d{i}" for i in range(400)])
    seeds = shapely.multipoints(rng.uniform(0, 5000, (40, 2)))
    sens = gdf(shapely.get_parts(shapely.voronoi_polygons(seeds)), name=[f"s{i}" for i in range(40)])
    rules = one_rule([50, 150], decay="exponential")
    local = conflicts({"dev": dev, "sens": sens}, rules=rules, engine="local")
    dask = conflicts({"dev": dev, "sens": sens}, rules=rules, engine="dask", n_workers=2, partition_size=100)
    assert len(local.table) > 400
    pd.testing.assert_frame_equal(local.table, dask.table)
    pd.testing.assert_frame_equal(local.zones, dask.zones)
    assert shapely.equals_exact(local.geometries.geometry.values, dask.geometries.geometry.values, 0).all()


def _mixed_workload(seed: int = 5):
    """Polygons, points, lines and multi-part developments against polygons with holes, lines and points."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 4000, (600, 2))
    dev = list(shapely.box(xy[:400, 0], xy[:400, 1], xy[:400, 0] + rng.uniform(5, 60, 400), xy[:400, 1] + 30))
    dev += list(shapely.points(xy[400:480]))
    dev += [LineString([(x, y), (x + 120, y + 40)]) for x, y in xy[480:560]]
    dev += [shapely.MultiPolygon([box(x, y, x + 8, y + 8), box(x + 150, y, x + 158, y + 8)]) for x, y in xy[560:]]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(rng.uniform(0, 4000, (30, 2)))))
    cells = shapely.intersection(cells, box(-500, -500, 4500, 4500))
    sens = list(shapely.difference(cells, shapely.buffer(shapely.centroid(cells), 60.0)))  # holes
    sens += [LineString([(0, y), (4000, y + 300)]) for y in (500.0, 2200.0)]
    sens += list(shapely.points(rng.uniform(0, 4000, (20, 2))))
    dev_gdf = gdf(dev, site_id=[f"d{i:03d}" for i in range(len(dev))])
    sens_gdf = gdf(sens, name=[f"s{i}" for i in range(len(sens))])
    rules = parse_rules({"references": {"ref": "Test reference (2024)."}, "rules": [
        {"id": "near", "development": {"layer": "dev"}, "sensitive": {"layer": "sens"}, "zones_m": [20, 80],
         "decay": "exponential", "severity": "major", "reference": "ref"},
        {"id": "far", "development": {"layer": "dev"}, "sensitive": {"layer": "sens"}, "zones_m": [150, 300, 450],
         "decay": "linear", "severity": "minor", "reference": "ref"}]}, "mixed.yaml")
    return dev_gdf, sens_gdf, rules


def _assert_same_result(a, b):
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.zones, b.zones)
    assert shapely.equals_exact(a.geometries.geometry.values, b.geometries.geometry.values, 0).all()


def test_threads_give_the_same_rows_order_and_areas_as_one_thread(monkeypatch):
    import jokkgeo.analysis.conflicts.engines as engines

    dev, sens, rules = _mixed_workload()
    one = conflicts({"dev": dev, "sens": sens}, rules=rules, n_jobs=1)
    assert len(one.table) > 1000 and set(one.table["rule_id"]) == {"near", "far"}
    assert (one.table["zoi_length_m"] > 0).any() and one.params["n_jobs"] == 1
    # small chunks, so each rule job is split into spatial chunks across the threads
    small = EngineOptions(min_chunk=40)
    calls = []
    real = engines.spatial_chunks
    monkeypatch.setattr(engines, "spatial_chunks", lambda job, n: calls.append(n) or real(job, n))
    for n_jobs in (2, 3):
        many = conflicts({"dev": dev, "sens": sens}, rules=rules, n_jobs=n_jobs, engine_options=small)
        _assert_same_result(one, many)
        assert many.params["n_jobs"] == n_jobs
    assert calls == [4, 4, 6, 6]  # 2 rules x (2 threads x 2 chunks), then 2 x (3 x 2)
    # every chunk must have kept the sensitive features within reach: a chunk per feature loses none
    tiny = EngineOptions(min_chunk=1, chunks_per_thread=400)
    _assert_same_result(one, conflicts({"dev": dev, "sens": sens}, rules=rules, n_jobs=2, engine_options=tiny))


def test_threads_never_share_prepared_input_geometries():
    from jokkgeo.analysis.conflicts.jobs import unprepared

    dev, sens, rules = _mixed_workload(8)
    one = conflicts({"dev": dev, "sens": sens}, rules=rules, n_jobs=1)
    shapely.prepare(sens.geometry.values)  # a caller's prepared geometries
    shapely.prepare(dev.geometry.values)
    for _ in range(3):
        _assert_same_result(one, conflicts({"dev": dev, "sens": sens}, rules=rules, n_jobs=2,
                                           engine_options=EngineOptions(min_chunk=40)))
    # the engine works on unprepared copies and leaves the caller's geometries as they were
    assert shapely.is_prepared(sens.geometry.values).all() and shapely.is_prepared(dev.geometry.values).all()
    copies = unprepared(np.asarray(sens.geometry.values, dtype=object))
    assert not shapely.is_prepared(copies).any() and shapely.equals_exact(copies, sens.geometry.values, 0).all()


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_n_jobs_must_be_a_positive_integer(bad):
    with pytest.raises(AnalysisError, match="n_jobs"):
        conflicts({"dev": gdf([Point(0, 0)]), "sens": gdf([box(0, 0, 1, 1)])}, rules=one_rule([10]), n_jobs=bad)


def test_default_n_jobs_is_every_available_core():
    import os

    res = conflicts({"dev": gdf([Point(0, 0)]), "sens": gdf([box(0, 0, 1, 1)])}, rules=one_rule([10]))
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert res.params["n_jobs"] == expected


def test_summaries_union_pieces_and_carry_worst_severity():
    rules = parse_rules({"references": {"a": "Ref A", "b": "Ref B"}, "rules": [
        {"id": "near", "development": {"theme": "investment_sites"}, "sensitive": {"theme": "reindeer_herding"},
         "zones_m": [100], "decay": "step", "severity": "major", "reference": "a"},
        {"id": "far", "development": {"theme": "investment_sites"}, "sensitive": {"theme": "reindeer_herding"},
         "zones_m": [100], "decay": "linear", "severity": "minor", "reference": "b"}]}, "r.yaml")
    site = gdf([Point(500, 500)], site_id=["kallak"], name=["Kallak"])
    sameby = gdf([box(0, 0, 1000, 1000)], sameby=["Jåhkågasska tjiellde"])
    specs = {"sites": spec("sites", "investment_sites", "Point"),
             "reindeer_samebyar": spec("reindeer_samebyar", "reindeer_herding", illustrative=True, restricted=True)}
    res = conflicts({"sites": site, "reindeer_samebyar": sameby}, rules=rules, specs=specs,
                    sameby_layer="reindeer_samebyar")
    assert len(res.table) == 2  # same piece under two rules
    sb = res.summaries["sameby"].iloc[0]
    assert sb["sameby"] == "Jåhkågasska tjiellde" and sb["n_conflicts"] == 2 and sb["worst_severity"] == "major"
    assert sb["affected_area_m2"] == pytest.approx(ngon_area(100))  # union, not 2x
    assert sb["affected_share"] == pytest.approx(ngon_area(100) / 1e6)
    inv = res.summaries["investment_site"].iloc[0]
    assert inv["dev_id"] == "kallak" and inv["affected_sameby"] == "Jåhkågasska tjiellde"
    assert any("samråd" in c.lower() for c in res.caveats)
    assert any("Illustrativa" in c for c in res.caveats)
    assert set(res.citations) == {"a", "b"}
    # no sameby layer named (no Jokkmokk layer id as a default): grouped by label, without areas
    plain = conflicts({"sites": site, "reindeer_samebyar": sameby}, rules=rules, specs=specs)
    sb = plain.summaries["sameby"].iloc[0]
    assert sb["sameby"] == "Jåhkågasska tjiellde" and "affected_share" not in plain.summaries["sameby"].columns


def test_refuses_wrong_crs_and_bad_options():
    dev = gpd.GeoDataFrame(geometry=[Point(18, 66)], crs="EPSG:4326")
    with pytest.raises(CRSError, match="EPSG:3006"):
        conflicts({"dev": dev, "sens": gdf([box(0, 0, 1, 1)])}, rules=one_rule([10]))
    with pytest.raises(AnalysisError, match="engine"):
        conflicts({"dev": gdf([Point(0, 0)]), "sens": gdf([box(0, 0, 1, 1)])}, rules=one_rule([10]), engine="spark")
    with pytest.raises(AnalysisError, match="filter column 'type'"):
        rules = parse_rules({"references": {"r": "x"}, "rules": [
            {"id": "x", "development": {"layer": "dev", "where": {"type": ["mine"]}}, "sensitive": {"layer": "sens"},
             "zones_m": [1], "decay": "step", "severity": "minor", "reference": "r"}]})
        conflicts({"dev": gdf([Point(0, 0)]), "sens": gdf([box(0, 0, 1, 1)])}, rules=rules)


def test_no_pairs_gives_empty_table_with_columns():
    res = conflicts({"dev": gdf([Point(0, 0)]), "sens": gdf([box(1000, 1000, 1001, 1001)])}, rules=one_rule([10]))
    assert len(res.table) == 0 and set(KEY_COLUMNS) <= set(res.table.columns)


@pytest.fixture(scope="module")
def default_study():
    if not (ROOT / "data" / "jokkmokk.gpkg").exists():
        pytest.skip("default data not built")
    from jokkgeo.io.configs import load_rules, read_catalogue
    from jokkgeo.workflows.conflicts import load_rule_layers

    rules = load_rules()
    layers = load_rule_layers(read_catalogue(ROOT / "layers"), rules)
    return conflicts(layers, rules=rules, language="en")


def test_default_study_kallak_conflicts_with_reindeer_layers(default_study):
    t = default_study.table
    kallak = t[(t["dev_id"] == "kallak") & (t["sens_theme"] == "reindeer_herding")]
    assert {"reindeer_samebyar", "reindeer_migration_routes"} <= set(kallak["sens_layer"])
    sb = kallak[kallak["sens_layer"] == "reindeer_samebyar"].iloc[0]
    assert sb["sens_label"] == "Jåhkågasska tjiellde" and sb["overlap_area_m2"] > 0 and sb["severity"] == "major"
    assert "Vistnes" in sb["citation"] and sb["illustrative"]
    assert (kallak["citation"].str.len() > 0).all()
    assert any("Illustrative" in c for c in default_study.caveats)
    assert any("samråd" in c for c in default_study.caveats)
    summary = default_study.summaries["investment_site"].set_index("dev_id")
    assert "Jåhkågasska tjiellde" in summary.loc["kallak", "affected_sameby"]


def test_dask_engine_on_a_distributed_scheduler_address():
    from distributed import LocalCluster

    dev = gdf([box(0, 0, 100, 100), box(1000, 0, 1100, 100)], site_id=["a", "b"])
    sens = gdf([box(50, 50, 250, 250), box(900, -50, 1050, 60)], name=["A", "B"])
    rules = one_rule([10, 40], decay="gaussian")
    local = conflicts({"dev": dev, "sens": sens}, rules=rules)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = conflicts({"dev": dev, "sens": sens}, rules=rules, engine="dask", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local.table, remote.table)
    assert remote.params["scheduler"] == cluster.scheduler_address


def test_invalid_geometry_is_a_user_error_with_a_fix():
    from shapely.geometry import Polygon

    bowtie = Polygon([(0, 0), (100, 100), (100, 0), (0, 100)])
    with pytest.raises(AnalysisError, match="make_valid"):
        conflicts({"dev": gdf([box(40, -10, 60, 110)]), "sens": gdf([bowtie])}, rules=one_rule([5]))


def test_distance_is_exact_when_the_nearest_point_lies_outside_the_buffer_polygon():
    # The 64-gon buffer of radius 100 is inscribed in the circle: between its vertices at 0° and 5.625°
    # it reaches only 100·cos(π/64) = 99.88 m. A spike tip at 99.9 m in that direction lies outside the
    # polygon, while another part of the feature (x ≥ 99.95 near 0°) lies inside it.
    a = math.pi / 64
    tip = (99.9 * math.cos(a), 99.9 * math.sin(a))
    sens = shapely.union(box(99.95, -5, 300, 5), shapely.Polygon([tip, (110, 3), (110, 7)]))
    res = conflicts({"dev": gdf([Point(0, 0)]), "sens": gdf([sens])}, rules=one_rule([100]))
    assert res.table["distance_m"].iloc[0] == pytest.approx(99.9, abs=1e-9)


def test_no_rule_applies_gives_empty_results_with_columns():
    # the rule names layers "dev" and "sens"; neither is given
    res = conflicts({"a": gdf([Point(0, 0)]), "b": gdf([box(-10, -10, 10, 10)])}, rules=one_rule([10]))
    assert len(res.table) == 0 and len(res.zones) == 0 and len(res.geometries) == 0
    assert set(KEY_COLUMNS) <= set(res.table.columns)
    assert {"distance_m", "zoi_area_m2", "weighted_area_m2", "severity"} <= set(res.table.columns)
    assert [*KEY_COLUMNS, "band", "zone_inner_m", "zone_outer_m", "area_m2", "length_m"] == list(res.zones.columns[:10])
    assert res.params["rules_without_features"] == ["r"] and res.summaries == {} and res.citations == {}


def test_buffer_around_a_hole_and_inside_a_hole():
    # sensitive square with a 20 m x 20 m hole at its centre
    sens = gdf([box(0, 0, 1000, 1000).difference(box(490, 490, 510, 510))])
    # zone of 100 m around the hole centre: the 64-gon minus the hole (probe vertex lies in the hole)
    res = conflicts({"dev": gdf([Point(500, 500)]), "sens": sens}, rules=one_rule([100]))
    assert res.table["zoi_area_m2"].iloc[0] == pytest.approx(ngon_area(100) - 400, rel=1e-12)
    assert res.table["distance_m"].iloc[0] == pytest.approx(10.0)
    # a 5 m zone stays inside the hole: no conflict
    res = conflicts({"dev": gdf([Point(500, 500)]), "sens": sens}, rules=one_rule([5]))
    assert len(res.table) == 0


def test_multi_part_development_feature_with_one_part_inside():
    # two 10 m squares 5 km apart; only the first lies in the sensitive polygon (far from its edges)
    from shapely.geometry import MultiPolygon

    dev = gdf([MultiPolygon([box(0, 0, 10, 10), box(5000, 0, 5010, 10)])])
    sens = gdf([box(-1000, -1000, 1000, 1000)])
    res = conflicts({"dev": dev, "sens": sens}, rules=one_rule([20]))
    row = res.table.iloc[0]
    # buffer of a square: the square, four 10 m x 20 m strips and four quarter 64-gons of radius 20
    assert row["zoi_area_m2"] == pytest.approx(100 + 4 * 10 * 20 + ngon_area(20), rel=1e-12)
    assert row["overlap_area_m2"] == pytest.approx(100.0) and row["distance_m"] == 0


def test_pairs_engine_matches_geopandas_overlay_with_holes_lines_and_multi_parts():
    rng = np.random.default_rng(11)
    xy = rng.uniform(0, 1000, (200, 2))
    dev = list(shapely.box(xy[:150, 0], xy[:150, 1], xy[:150, 0] + 20, xy[:150, 1] + 20))
    dev += list(shapely.points(xy[150:180]))
    dev += [shapely.MultiPolygon([shapely.box(x, y, x + 5, y + 5), shapely.box(x + 80, y, x + 85, y + 5)])
            for x, y in xy[180:]]
    dev = np.array(dev, dtype=object)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(rng.uniform(0, 1000, (30, 2)))))
    holes = shapely.buffer(shapely.centroid(cells), 30.0)
    sens = shapely.difference(cells, holes)
    res = rule_pairs(dev, sens, [15.0])
    a = gpd.GeoDataFrame(geometry=shapely.buffer(dev, 15.0, quad_segs=16), crs=CRS)
    ov = gpd.overlay(a, gpd.GeoDataFrame(geometry=sens, crs=CRS), how="intersection")
    assert len(res["dev_pos"]) == len(ov)
    assert res["area_m2"][:, -1].sum() == pytest.approx(ov.area.sum(), rel=1e-9)
    # per pair: the same pieces
    got = dict(zip(zip(res["dev_pos"], res["sens_pos"], strict=False), res["area_m2"][:, -1], strict=False))
    ov_pairs = rule_pairs(dev, sens, [15.0], want_geometry=False)
    assert set(got) == set(zip(ov_pairs["dev_pos"], ov_pairs["sens_pos"], strict=False))
    tree = shapely.STRtree(sens)
    i, j = tree.query(a.geometry.values, predicate="intersects")
    areas = shapely.area(shapely.intersection(a.geometry.values[i], sens[j]))
    want = {(int(p), int(q)): ar for p, q, ar in zip(i, j, areas, strict=False) if ar > 0}
    assert set(want) == set(got)
    np.testing.assert_allclose([got[key] for key in sorted(want)], [want[key] for key in sorted(want)], rtol=1e-9)


def test_one_rule_job_rows_follow_the_text_order_of_ids_and_measures_by_kind():
    # one rule job (no cross-job sort): rows in the text order of (dev_id, sens_id), "10" before "9";
    # two overlapping sensitive polygons, a line and a point, each met by both developments
    dev = gdf([box(0, 0, 10, 10), box(100, 0, 110, 10)], site_id=["9", "10"])
    sens = gdf([box(-50, -50, 200, 50), box(-20, -20, 150, 30), LineString([(-40, 20), (160, 20)]), Point(55, 5)],
               name=["z", "a", "line", "pt"], id=["z", "a", "m", "p"])
    res = conflicts({"dev": dev, "sens": sens}, rules=one_rule([50]))
    keys = list(zip(res.table["dev_id"], res.table["sens_id"], strict=False))
    assert keys == [("10", "a"), ("10", "m"), ("10", "p"), ("10", "z"), ("9", "a"), ("9", "m"), ("9", "p"), ("9", "z")]
    t = res.table.set_index(["dev_id", "sens_id"])
    # whole-feature measures by kind: area of polygons (250 x 100, 170 x 50), length of the line (200 m), else 0
    assert t.loc[("9", "z"), "sens_area_m2"] == 25000.0 and t.loc[("9", "a"), "sens_area_m2"] == 8500.0
    assert t.loc[("9", "m"), "sens_area_m2"] == 0.0 and t.loc[("9", "m"), "sens_length_m"] == 200.0
    assert t.loc[("9", "p"), ["sens_area_m2", "sens_length_m"]].tolist() == [0.0, 0.0]
    assert np.isnan(t.loc[("9", "p"), "zoi_share"])
    # the zone table follows the same order, two bands (overlap, z1) per conflict
    assert list(zip(res.zones["dev_id"], res.zones["sens_id"], strict=False))[::2] == keys
    assert res.zones["band"].tolist() == ["overlap", "z1"] * 8


def test_step_seconds_split_the_local_engine_time(monkeypatch):
    import jokkgeo.analysis.conflicts.engines as engines

    dev, sens, rules = _mixed_workload(9)
    one = conflicts({"dev": dev, "sens": sens}, rules=rules, n_jobs=1)
    steps = one.params["step_seconds"]
    work = ("buffer", "classify", "intersect", "measure")
    assert set(steps) == {"prepare", *work, "overlay_wall", "tables"}
    assert all(v >= 0 for v in steps.values())
    # one thread: the steps run one after another inside the overlay (rounding: 1 ms each)
    assert sum(steps[k] for k in work) <= steps["overlay_wall"] + 0.005
    assert steps["overlay_wall"] <= one.params["overlay_seconds"] + 0.001
    # threads: every task fills its own dict and the result is their sum
    seen = []
    real = engines.rule_pairs

    def spy(*args, steps=None, **kwargs):
        out = real(*args, steps=steps, **kwargs)
        seen.append(steps)
        return out

    monkeypatch.setattr(engines, "rule_pairs", spy)
    many = conflicts({"dev": dev, "sens": sens}, rules=rules, n_jobs=2, engine_options=EngineOptions(min_chunk=40))
    _assert_same_result(one, many)
    assert len(seen) == 8 and len({id(d) for d in seen}) == 8  # 2 rules x 4 chunks, 8 separate dicts
    for k in work:
        assert many.params["step_seconds"][k] == pytest.approx(sum(d[k] for d in seen), abs=0.001)


def test_every_skipped_rule_is_listed_with_its_reason():
    # issue 12: a catalogue without reindeer layers gave "4 conflicts from 1 rules" with no word on the others
    rules = parse_rules({"references": {"ref": "Test reference (2024)."}, "rules": [
        {"id": "runs", "development": {"layer": "dev"}, "sensitive": {"layer": "sens"}, "zones_m": [10],
         "decay": "step", "severity": "major", "reference": "ref"},
        {"id": "no_dev", "development": {"theme": "hydropower"}, "sensitive": {"layer": "sens"}, "zones_m": [10],
         "decay": "step", "severity": "major", "reference": "ref"},
        {"id": "no_sens", "development": {"layer": "dev"}, "sensitive": {"theme": "reindeer_herding"},
         "zones_m": [10], "decay": "step", "severity": "major", "reference": "ref"},
        {"id": "dev_filter", "development": {"layer": "dev", "where": {"type": ["mine"]}},
         "sensitive": {"layer": "sens"}, "zones_m": [10], "decay": "step", "severity": "major", "reference": "ref"},
        {"id": "sens_filter", "development": {"layer": "dev"}, "sensitive": {"layer": "sens", "where": {"kind": ["x"]}},
         "zones_m": [10], "decay": "step", "severity": "major", "reference": "ref"},
        {"id": "itself", "development": {"layer": "dev"}, "sensitive": {"layer": "dev"}, "zones_m": [10],
         "decay": "step", "severity": "major", "reference": "ref"}]}, "r.yaml")
    dev = gdf([Point(0, 0)], type=["wind"])
    sens = gdf([box(-5, -5, 5, 5)], kind=["y"])
    res = conflicts({"dev": dev, "sens": sens}, rules, language="en")
    assert res.table["rule_id"].tolist() == ["runs"]
    assert res.skipped_rules[["rule_id", "reason"]].values.tolist() == [
        ["no_dev", "no_development_layer"], ["no_sens", "no_sensitive_layer"],
        ["dev_filter", "no_development_features"], ["sens_filter", "no_sensitive_features"],
        ["itself", "same_layer"]]
    assert res.warnings == res.skipped_rules["detail"].tolist() == list(res.provenance.warnings)
    assert res.warnings[1] == "Rule no_sens was skipped: no sensitive layer (theme reindeer_herding) among the inputs."
    assert res.params["rules_without_features"] == ["no_dev", "no_sens", "dev_filter", "sens_filter", "itself"]
    sv = conflicts({"dev": dev, "sens": sens}, rules)
    assert sv.warnings[1].startswith("Regeln no_sens kördes inte")
    # nothing skipped: an empty table with the columns
    ok = conflicts({"dev": dev, "sens": sens}, one_rule([10]))
    assert ok.skipped_rules.empty and list(ok.skipped_rules.columns) == ["rule_id", "reason", "detail"]
    assert ok.warnings == []


def test_missing_route_layer_for_crossings_is_a_warning():
    rules = parse_rules({"references": {"ref": "R"}, "rules": [
        {"id": "r", "development": {"layer": "dev"}, "sensitive": {"layer": "sens"}, "zones_m": [10],
         "decay": "step", "severity": "major", "reference": "ref"}],
        "crossings": {"infrastructure": [{"layer": "dev"}], "routes": {"layer": "routes"}, "reference": "ref"}})
    res = conflicts({"dev": gdf([Point(0, 0)]), "sens": gdf([box(-5, -5, 5, 5)])}, rules, language="en")
    assert res.crossings is None
    assert res.warnings == ["Migration-route crossings were not computed: no route layer (layer routes) among "
                            "the inputs."]


def test_result_provenance_carries_parameters_inputs_caveats_and_citations():
    res = conflicts({"dev": gdf([Point(0, 0)]), "sens": gdf([box(-5, -5, 5, 5)])}, one_rule([10]))
    p = res.provenance
    assert p.inputs == ("dev", "sens") and p.parameters["quad_segs"] == 16 and p.parameters is res.params
    assert dict(p.citations) == res.citations == {"ref": "Test reference (2024)."}
    assert list(p.caveats) == res.caveats and p.to_dict()["warnings"] == []


def test_rules_are_required_and_must_be_a_rule_set():
    layers = {"dev": gdf([Point(0, 0)]), "sens": gdf([box(-5, -5, 5, 5)])}
    with pytest.raises(TypeError):
        conflicts(layers)  # no packaged default: analyses read no file
    with pytest.raises(AnalysisError, match="RuleSet"):
        conflicts(layers, {"rules": []})


def test_engine_options_are_validated_and_do_not_change_results():
    with pytest.raises(AnalysisError, match="min_chunk"):
        EngineOptions(min_chunk=0)
    with pytest.raises(AnalysisError, match="chunks_per_thread"):
        EngineOptions(chunks_per_thread=1.5)
    with pytest.raises(AnalysisError, match="connect_timeout_s"):
        EngineOptions(connect_timeout_s=0)
    dev, sens, rules = _mixed_workload(4)
    base = conflicts({"dev": dev, "sens": sens}, rules, n_jobs=1)
    _assert_same_result(base, conflicts({"dev": dev, "sens": sens}, rules, n_jobs=2,
                                        engine_options=EngineOptions(min_chunk=25, chunks_per_thread=3)))


def test_one_thread_in_hilbert_order_gives_the_same_result(monkeypatch):
    import jokkgeo.analysis.conflicts.engines as engines

    dev, sens, rules = _mixed_workload(4)
    base = conflicts({"dev": dev, "sens": sens}, rules, n_jobs=1)  # jobs below min_chunk: input order
    calls = []
    real = engines.spatial_chunks
    monkeypatch.setattr(engines, "spatial_chunks", lambda job, n: calls.append(n) or real(job, n))
    ordered = conflicts({"dev": dev, "sens": sens}, rules, n_jobs=1, engine_options=EngineOptions(min_chunk=10))
    assert calls == [1, 1]  # each of the 2 rule jobs ran as one Hilbert-ordered part
    _assert_same_result(base, ordered)


def test_unreachable_dask_scheduler_is_a_quick_user_error():
    import socket
    import time

    from jokkgeo.analysis.conflicts import SchedulerUnreachableError
    from jokkgeo.errors import JokkgeoError

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    with pytest.raises(SchedulerUnreachableError, match=r"scheduler 'tcp://127.0.0.1:\d+': no dask scheduler") as exc:
        conflicts({"dev": gdf([Point(0, 0)]), "sens": gdf([box(-5, -5, 5, 5)])}, one_rule([10]), engine="dask",
                  scheduler=f"tcp://127.0.0.1:{port}", engine_options=EngineOptions(connect_timeout_s=1.0))
    assert isinstance(exc.value, JokkgeoError) and isinstance(exc.value, ConnectionError)
    assert time.perf_counter() - t0 < 15


def test_reindeer_caveat_names_samrad_and_the_consultation_act():
    specs = {"dev": spec("dev", "investment_sites", "Point"), "sens": spec("sens", "reindeer_herding", restricted=True)}
    layers = {"dev": gdf([Point(0, 0)]), "sens": gdf([box(-5, -5, 5, 5)])}
    rules = one_rule([10])
    for lang in ("sv", "en"):
        caveats = " ".join(conflicts(layers, rules, specs=specs, language=lang).caveats)
        assert "samråd" in caveats.lower() and "(2022:66)" in caveats
        assert "konsultation i frågor som rör det samiska folket" in caveats


@pytest.mark.parametrize("module", [
    "jokkgeo.analysis.conflicts", "jokkgeo.analysis.conflicts.pairs", "jokkgeo.analysis.conflicts.jobs",
    "jokkgeo.analysis.conflicts.engines", "jokkgeo.analysis.surfaces", "jokkgeo.analysis.screening",
    "jokkgeo.analysis.crossings", "jokkgeo.analysis._common", "jokkgeo.analysis.decay", "jokkgeo.crs"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def _direct_pieces(dev, sens, zone_m):
    """Buffer every development feature and intersect it with every sensitive feature (no shortcuts)."""
    buf = shapely.buffer(np.asarray(dev, dtype=object), zone_m, quad_segs=16)
    i, j = np.meshgrid(np.arange(len(dev)), np.arange(len(sens)), indexing="ij")
    i, j = i.ravel(), j.ravel()
    piece = shapely.intersection(buf[i], np.asarray(sens, dtype=object)[j])
    area = shapely.area(piece)
    keep = area > 0
    return {(int(p), int(q)): float(a) for p, q, a in zip(i[keep], j[keep], area[keep], strict=True)}


def test_classification_inside_crossing_hole_multi_part_and_out_of_reach():
    from shapely.geometry import MultiPolygon

    from jokkgeo.analysis.conflicts.pairs import _candidate_pairs, _within_reach

    # a 1 km square with a 20 m hole; 10 m squares and a 25 m zone
    sens = np.array([box(0, 0, 1000, 1000).difference(box(600, 600, 620, 620))], dtype=object)
    dev = np.array([
        box(30, 500, 40, 510),  # 30 m inside the left edge: the zone stays 5 m inside -> inside
        box(20, 300, 30, 310),  # 20 m inside: the zone crosses the edge by 5 m -> cut
        box(570, 605, 580, 615),  # 20 m left of the hole: the zone reaches 5 m into it -> cut
        box(540, 605, 550, 615),  # 50 m left of the hole: clear of it -> inside
        MultiPolygon([box(200, 200, 210, 210), box(-300, 200, -290, 210)]),  # one part in, one 290 m out
        MultiPolygon([box(100, 100, 110, 110), box(300, 100, 310, 110)]),  # two parts, both inside
        box(5000, 5000, 5010, 5010),  # 4 km away: out of reach, never buffered
    ], dtype=object)
    zone = 25.0
    reach = _within_reach(dev, sens, zone)
    assert reach.tolist() == [True] * 6 + [False]
    outer = np.full(len(dev), None, dtype=object)
    outer[reach] = shapely.buffer(dev[reach], zone, quad_segs=16)
    boundary = shapely.boundary(sens)
    shapely.prepare(boundary)
    i, j, inside = _candidate_pairs(dev, outer, sens, shapely.get_type_id(sens), boundary)
    assert dict(zip(i.tolist(), inside.tolist(), strict=True)) == {
        0: True, 1: False, 2: False, 3: True, 4: False, 5: True}
    # the same pieces as buffering and intersecting everything
    res = rule_pairs(dev, sens, [zone])
    want = _direct_pieces(dev, sens, zone)
    got = dict(zip(zip(res["dev_pos"].tolist(), res["sens_pos"].tolist(), strict=True), res["area_m2"][:, -1],
                   strict=True))
    assert set(got) == set(want) == {(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0)}
    for key in want:
        assert got[key] == pytest.approx(want[key], rel=1e-12)
    pieces = res["geometry"]
    assert shapely.equals(pieces[0], shapely.buffer(dev[0], zone, quad_segs=16))
    # next to the hole: the buffer (square, four 10 m x 25 m strips, a 64-gon) less the part in the hole
    # (at least the 5 m x 10 m strip x 600..605 beside the square)
    buf = shapely.buffer(dev[2], zone, quad_segs=16)
    assert buf.area == pytest.approx(100 + 4 * 10 * 25 + ngon_area(zone), rel=1e-12)
    in_hole = buf.intersection(box(600, 600, 620, 620)).area
    assert in_hole > 50 and pieces[2].area == pytest.approx(buf.area - in_hole, rel=1e-12)


def test_features_out_of_reach_are_not_buffered(monkeypatch):
    import jokkgeo.analysis.conflicts.pairs as pairs

    buffered: list[int] = []
    real = shapely.buffer

    def spy(geoms, *args, **kwargs):
        buffered.append(len(np.atleast_1d(geoms)))
        return real(geoms, *args, **kwargs)

    monkeypatch.setattr(pairs.shapely, "buffer", spy)
    # 1000 features along a line; only the first 10 lie within 50 m of the sensitive square
    x = np.arange(1000) * 100.0
    dev = shapely.box(x, 0, x + 10, 10)
    sens = np.array([box(-100, -100, 940, 100)], dtype=object)
    res = rule_pairs(dev, sens, [25.0, 50.0], want_geometry=False)
    assert buffered[0] == 10  # the outer zone: features out of reach get no buffer
    monkeypatch.undo()
    want = _direct_pieces(dev, sens, 50.0)
    assert sorted(zip(res["dev_pos"].tolist(), res["sens_pos"].tolist(), strict=True)) == sorted(want)
    np.testing.assert_allclose(res["area_m2"][:, -1], [want[(int(p), 0)] for p in res["dev_pos"]], rtol=1e-12)
