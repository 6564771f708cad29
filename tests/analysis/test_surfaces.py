"""Influence and density rasters on tiny grids with hand-computed cells."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from jokkgeo.analysis.surfaces import (
    NODATA,
    Grid,
    cumulative_influence,
    influence_surfaces,
    kernel,
    line_length_grid,
    linear_density,
    nearest_influence,
    source_counts,
    study_area_of,
    zonal_stats,
)
from jokkgeo.config.rules import parse_rules
from jokkgeo.errors import AnalysisError

from .helpers_conflicts import spec

X_RULE = [{"id": "x", "development": {"layer": "a"}, "sensitive": {"layer": "b"}, "zones_m": [1], "decay": "step",
           "severity": "minor", "reference": "r"}]

CRS = "EPSG:3006"


@pytest.fixture
def grid():
    return Grid.from_bounds((0, 0, 1000, 1000), resolution_m=100)


@pytest.fixture
def two_points(grid):
    # cell centres (row 1, col 1) and (row 1, col 3)
    return source_counts([Point(150, 850), Point(350, 850)], grid)


def test_grid_snaps_outwards():
    g = Grid.from_bounds((10, 20, 990, 1010), resolution_m=100)
    assert g.shape == (11, 10) and g.bounds == (0, 0, 1000, 1100)
    with pytest.raises(AnalysisError):
        Grid.from_bounds((0, 0, 10, 10), resolution_m=0)


def test_nearest_versus_cumulative_step(two_points):
    near = nearest_influence(two_points, resolution_m=100, shape="step", radius_m=200)
    cum = cumulative_influence(two_points, resolution_m=100, shape="step", radius_m=200)
    # (1,2): 100 m from both points; (1,1): 0 and 200 m; (1,0): 100 and 300 m; (1,5): 200 m from the 2nd only
    assert near[1, 2] == 1 and cum[1, 2] == pytest.approx(2)
    assert near[1, 1] == 1 and cum[1, 1] == pytest.approx(2)
    assert near[1, 0] == 1 and cum[1, 0] == pytest.approx(1)
    assert near[1, 5] == 1 and cum[1, 5] == pytest.approx(1)
    assert near[1, 6] == 0 and cum[1, 6] == pytest.approx(0, abs=1e-12)
    assert near[4, 1] == 0  # 300 m below
    assert np.all(cum >= near - 1e-12) and cum.max() == pytest.approx(2)


def test_nearest_versus_cumulative_linear(two_points):
    near = nearest_influence(two_points, resolution_m=100, shape="linear", radius_m=400)
    cum = cumulative_influence(two_points, resolution_m=100, shape="linear", radius_m=400)
    assert near[1, 2] == pytest.approx(0.75) and cum[1, 2] == pytest.approx(1.5)
    assert near[1, 1] == pytest.approx(1.0) and cum[1, 1] == pytest.approx(1.0 + 0.5)
    # (2,2): sqrt(100²+100²) from both
    d = np.hypot(100, 100)
    assert cum[2, 2] == pytest.approx(2 * (1 - d / 400))
    assert near[2, 2] == pytest.approx(1 - d / 400)


def test_kernel_shapes():
    k = kernel(resolution_m=100, shape="exponential", radius_m=200)
    assert k.shape == (5, 5) and k[2, 2] == 1 and k[2, 4] == pytest.approx(0.05) and k[0, 0] == 0


def test_line_density_km_per_km2(grid):
    length = line_length_grid([LineString([(0, 450), (1000, 450)])], grid)
    assert length.sum() == pytest.approx(1000) and length[5].tolist() == [100.0] * 10
    dens = linear_density(length, resolution_m=100, window_m=300)
    # a 3×3 window (0.09 km²) holding 300 m of line: 0.3 / 0.09 km/km²
    assert dens[5, 5] == pytest.approx(0.3 / 0.09) and dens[4, 5] == pytest.approx(0.3 / 0.09)
    assert dens[3, 5] == pytest.approx(0) and dens[5, 0] == pytest.approx(0.2 / 0.09)


def test_polygon_boundaries_count_as_lines(grid):
    length = line_length_grid([box(200, 200, 400, 400)], grid)
    assert length.sum() == pytest.approx(800)


def test_zonal_shares_with_overlapping_zones(grid, two_points):
    near = nearest_influence(two_points, resolution_m=100, shape="step", radius_m=100)
    zones = gpd.GeoDataFrame({"sameby": ["A", "B"]}, geometry=[box(0, 700, 500, 1000), box(200, 0, 1000, 1000)],
                             crs=CRS)
    z = zonal_stats(zones, {"near": near}, grid, levels={"near": [1.0]})
    # A: 5×3 cells; influenced cells: rows 0-2 at cols 1 and 3, row 1 at cols 0, 2, 4 -> 9 of 15
    assert z.loc[0, "area_km2"] == pytest.approx(0.15)
    assert z.loc[0, "share_near_ge_1"] == pytest.approx(9 / 15)
    # B (overlaps A): cols 2-9 × 10 rows = 80 cells; influenced: (0,3), (1,2), (1,3), (1,4), (2,3) -> 5
    assert z.loc[1, "area_km2"] == pytest.approx(0.8)
    assert z.loc[1, "share_near_ge_1"] == pytest.approx(5 / 80)
    assert z.loc[0, "near_max"] == 1 and z.loc[1, "near_mean"] == pytest.approx(5 / 80)


def test_influence_surfaces_end_to_end():
    rules = parse_rules({"references": {"r": "Ref"}, "rules": [
        {"id": "x", "development": {"theme": "roads"}, "sensitive": {"theme": "reindeer_herding"}, "zones_m": [1],
         "decay": "step", "severity": "minor", "reference": "r"}],
        "surfaces": [{"id": "roads", "development": {"theme": "roads"}, "radius_m": 200, "decay": "step",
                      "reference": "r"},
                     {"id": "mine", "development": {"layer": "areas", "where": {"type": ["mine"]}}, "radius_m": 100,
                      "decay": "linear", "reference": "r"}]}, "r.yaml")
    boundary = gpd.GeoDataFrame({"is_study_area": [True, False]},
                                geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs=CRS)
    # a road just outside the study area still influences it (grid padding)
    roads = gpd.GeoDataFrame({"ref": ["E 45"]}, geometry=[LineString([(1050, 0), (1050, 1000)])], crs=CRS)
    areas = gpd.GeoDataFrame({"type": ["mine", "wind"]}, geometry=[box(400, 400, 500, 500), box(0, 0, 100, 100)],
                             crs=CRS)
    sameby = gpd.GeoDataFrame({"sameby": ["A", "A"]}, geometry=[box(0, 0, 500, 1000), box(500, 0, 1000, 1000)],
                              crs=CRS)
    layers = {"boundary": boundary, "roads": roads, "areas": areas, "reindeer_samebyar": sameby}
    specs = {"boundary": spec("boundary", "boundary"), "roads": spec("roads", "roads", "LineString"),
             "areas": spec("areas", "investment_sites", illustrative=True),
             "reindeer_samebyar": spec("reindeer_samebyar", "reindeer_herding", restricted=True, illustrative=True)}
    res = influence_surfaces(layers, rules=rules, specs=specs, resolution_m=100, levels=(0.5, 1.0),
                             density_window_m=300, study_area=study_area_of(boundary),
                             zones_layer="reindeer_samebyar", zones_field="sameby")
    s = res.surfaces
    assert res.grid.shape == (10, 10)
    # road at x=1050: cell centres at x=850, 950 lie within 200 m (cell 1000-1100 holds the road)
    assert s["roads_nearest"][5, 9] == 1 and s["roads_nearest"][5, 8] == 1 and s["roads_nearest"][5, 7] == 0
    # mine cell (row 5, col 4) and its neighbours at 100 m -> linear 0
    assert s["mine_nearest"][5, 4] == 1 and s["mine_nearest"][5, 5] == 0
    assert s["combined_nearest"][5, 9] == 1
    np.testing.assert_allclose(s["combined_cumulative"], s["roads_cumulative"] + s["mine_cumulative"], atol=1e-6)
    assert s["combined_nearest"].dtype == np.float32 and (s["combined_nearest"] != NODATA).all()
    z = res.zonal.set_index("sameby")
    assert z.loc["A", "area_km2"] == pytest.approx(1.0)
    # cells with combined nearest >= 1: the mine cell + 2 road columns (20 cells) -> 21 of 100
    assert z.loc["A", "share_combined_nearest_ge_1"] == pytest.approx(21 / 100)
    assert "share_linear_density_km_per_km2_ge_1.3" in z.columns
    assert "nellemann2001" in res.citations and any("samråd" in c.lower() for c in res.caveats)


def test_nodata_outside_study_area():
    rules = parse_rules({"references": {"r": "Ref"}, "rules": [
        {"id": "x", "development": {"theme": "roads"}, "sensitive": {"theme": "reindeer_herding"}, "zones_m": [1],
         "decay": "step", "severity": "minor", "reference": "r"}],
        "surfaces": [{"id": "roads", "development": {"theme": "roads"}, "radius_m": 200, "decay": "step",
                      "reference": "r"}]})
    boundary = gpd.GeoDataFrame({"is_study_area": [True]}, geometry=[box(0, 0, 1000, 1000).difference(
        box(0, 0, 300, 300))], crs=CRS)
    roads = gpd.GeoDataFrame(geometry=[LineString([(0, 500), (1000, 500)])], crs=CRS)
    res = influence_surfaces({"boundary": boundary, "roads": roads}, rules=rules, study_area=study_area_of(boundary),
                             specs={"boundary": spec("boundary", "boundary"), "roads": spec("roads", "roads")})
    arr = res.surfaces["roads_nearest"]
    assert arr[9, 0] == NODATA and arr[5, 5] == 1 and arr[0, 0] == 0


def test_without_study_area_the_grid_covers_every_layer_and_nothing_is_masked():
    # no boundary and no sameby layer (issue 11: `jokkgeo influence` on such a catalogue): the grid spans the
    # extent of the given layers, every cell is computed, a surface rule without features is a warning
    rules = parse_rules({"references": {"r": "Ref"}, "rules": X_RULE, "surfaces": [
        {"id": "roads", "development": {"theme": "roads"}, "radius_m": 200, "decay": "step", "reference": "r"},
        {"id": "mines", "development": {"layer": "mines"}, "radius_m": 200, "decay": "step", "reference": "r"}]})
    roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 350)])], crs=CRS)
    boundary = gpd.GeoDataFrame(geometry=[box(0, 0, 300, 300)], crs=CRS)  # a layer named boundary is not special
    res = influence_surfaces({"roads": roads, "boundary": boundary}, rules, specs={"roads": spec("roads", "roads")},
                             language="en")
    assert res.grid.bounds == (0.0, 0.0, 1000.0, 400.0) and res.grid.shape == (4, 10)
    assert all((a != NODATA).all() for a in res.surfaces.values())
    assert res.zonal.empty and res.params["zones_layer"] is None and res.params["study_area"] is False
    assert res.warnings == ["Influence surface mines was not computed: no features (layer mines) among the inputs."]
    assert res.provenance.inputs == ("roads",) and res.provenance.warnings == tuple(res.warnings)


def test_study_area_must_be_a_polygon_and_rules_are_required():
    rules = parse_rules({"references": {"r": "Ref"}, "rules": X_RULE})
    roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 350)])], crs=CRS)
    with pytest.raises(AnalysisError, match="study_area"):
        influence_surfaces({"roads": roads}, rules, study_area=LineString([(0, 0), (1, 1)]))
    with pytest.raises(AnalysisError, match="RuleSet"):
        influence_surfaces({"roads": roads}, {"rules": []})
    with pytest.raises(TypeError):
        influence_surfaces({"roads": roads})  # no default rules: analyses read no file


def test_study_area_of_uses_flagged_features_or_all():
    b = gpd.GeoDataFrame({"is_study_area": [False, True]}, geometry=[box(0, 0, 1, 1), box(5, 5, 6, 6)], crs=CRS)
    assert study_area_of(b).equals(box(5, 5, 6, 6))
    assert study_area_of(b.drop(columns="is_study_area")).area == 2
    assert study_area_of(b.iloc[:0]) is None and study_area_of(None) is None
