"""Population layers: SCB grid cells from ids/coordinates, spreading polygon counts, disclosure (all by hand)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from jokkgeo.analysis.accessibility import accessibility
from jokkgeo.analysis.population import (
    cells_from_coordinates,
    cells_from_grid_ids,
    corners_from_grid_ids,
    disclose,
    population_layer,
    spread_onto_lines,
    spread_onto_points,
    standard_columns,
)
from jokkgeo.config.layers import PopulationSpec, SpreadSpec
from jokkgeo.errors import DataLayerError

P, L = shapely.Point, shapely.LineString
CRS = "EPSG:3006"


# ----------------------------------------------------------------------------- grid ids and coordinates


def test_scb_ids_give_1km_squares_with_known_corners():
    # rutid_scb = 6-digit easting + 7-digit northing of the lower-left corner (SWEREF 99 TM)
    cells = cells_from_grid_ids(["7320007390000", "3940006133000", "7330007390000"], cell_m=1000)
    assert [c.bounds for c in cells] == [(732000, 7390000, 733000, 7391000), (394000, 6133000, 395000, 6134000),
                                         (733000, 7390000, 734000, 7391000)]
    assert shapely.area(cells).tolist() == [1e6, 1e6, 1e6]
    assert cells[0].touches(cells[2])  # neighbours share an edge, no gap, no overlap


def test_250m_ids_and_numbers_read_by_a_spreadsheet():
    # the same id as an integer (Excel) and as a float with .0 (pandas) still names the same cell
    east, north, size = corners_from_grid_ids(pd.Series([7322507390250, 7322507390250.0, "7322507390250"]),
                                              cell_m=250)
    assert east.tolist() == [732250.0] * 3 and north.tolist() == [7390250.0] * 3 and size.tolist() == [250.0] * 3
    cell = cells_from_grid_ids(["7322507390250"], cell_m=250)[0]
    assert cell.bounds == (732250, 7390250, 732500, 7390500) and cell.area == 62_500


def test_inspire_ids_carry_their_cell_size():
    cells = cells_from_grid_ids(["SE_CRS3006RES1000mN6133000E394000", "CRS3006RES250mN7390250E732250"])
    assert cells[0].bounds == (394000, 6133000, 395000, 6134000)
    assert cells[1].bounds == (732250, 7390250, 732500, 7390500)


@pytest.mark.parametrize("ids, cell_m, words", [
    (["73200073900"], 1000, ["not SCB grid ids", "row 1", "'73200073900'"]),
    (["7320007390000", "abc"], 1000, ["row 2", "'abc'", "13 digits"]),
    (["7325007390000"], 1000, ["not on the 1000 m grid", "row 1"]),
    (["0500007390000"], 1000, ["outside Sweden"]),
    (["7320007390000"], None, ["cell_m", "missing", "1000"]),
    (["SE_CRS3006RES1000mN6133000E394000"], 250, ["cell_m", "250"]),
])
def test_bad_grid_ids_name_the_layer_key_and_rows(ids, cell_m, words):
    with pytest.raises(DataLayerError) as err:
        cells_from_grid_ids(ids, cell_m=cell_m, origin="layers/rutor.yaml (layer 'rutor')")
    msg = str(err.value)
    assert msg.startswith("layers/rutor.yaml (layer 'rutor'): key 'population.grid.")
    for w in words:
        assert w in msg


def test_corner_and_centre_coordinates():
    ll = cells_from_coordinates([732000, 732250], [7390000, 7390000], cell_m=250)
    assert [c.bounds for c in ll] == [(732000, 7390000, 732250, 7390250), (732250, 7390000, 732500, 7390250)]
    centre = cells_from_coordinates(["732125"], ["7390125"], cell_m=250, corner="centre")
    assert centre[0].bounds == (732000, 7390000, 732250, 7390250)
    with pytest.raises(DataLayerError, match="not on the 250 m grid"):  # centres given as corners
        cells_from_coordinates([732125], [7390125], cell_m=250)
    with pytest.raises(DataLayerError, match="not numbers at row 2"):
        cells_from_coordinates([732000, "x"], [7390000, 7390000], cell_m=250)


# ----------------------------------------------------------------------------- standard columns


def test_standard_columns_sum_five_year_classes_and_note_it():
    frame = pd.DataFrame({"beftotalt": ["12", "7"], "ald20_25": [3, 1], "ald25_30": [4, 0],
                          "ald0_5": [1, None], "ald65_70": ["2", "1"]})
    spec = PopulationSpec(count="beftotalt", working_age=("ald20_25", "ald25_30"),
                          age_groups={"age_65_plus": ("ald65_70",), "age_1_5": ("ald0_5",)})
    out, notes = standard_columns(frame, spec)
    assert out["population"].tolist() == [12, 7]
    assert out["working_age"].tolist() == [7, 1]
    assert out["age_65_plus"].tolist() == [2, 1]
    assert out["age_1_5"].tolist() == [1, 0]
    assert "'working_age' = ald20_25 + ald25_30" in notes
    assert "1 feature(s) without a value in 'ald0_5' counted as 0" in notes
    assert "beftotalt" in out.columns  # the source columns stay


def test_standard_names_need_no_spec():
    pts = gpd.GeoDataFrame({"population": [2766.0, 12.5], "working_age": [1500, 6], "kind": ["tatort", "modelled_road"],
                            "modelled": [False, True]}, geometry=[P(1, 1), P(2, 2)], crs=CRS)
    out, notes = standard_columns(pts)
    assert out["population"].tolist() == [2766.0, 12.5] and out["working_age"].tolist() == [1500, 6]
    assert notes == [] and out["kind"].tolist() == ["tatort", "modelled_road"]


@pytest.mark.parametrize("frame, spec, words", [
    (pd.DataFrame({"folk": [1]}), None, ["key 'population.count'", "population", "not found in grid.csv",
                                          "population.count", "available: folk"]),
    (pd.DataFrame({"folk": [1]}), PopulationSpec(count="beftotalt"), ["'population.count'", "beftotalt"]),
    (pd.DataFrame({"population": ["12", "many"]}), None, ["not a number", "row 2", "'many'"]),
    (pd.DataFrame({"population": [3, -1]}), None, ["negative", "row 2"]),
    (pd.DataFrame({"population": [3]}), PopulationSpec(working_age=("ald20_25",)), ["'population.working_age'"]),
])
def test_bad_counts_name_layer_key_and_rows(frame, spec, words):
    with pytest.raises(DataLayerError) as err:
        standard_columns(frame, spec, origin="layers/p.yaml (layer 'p')", available_in="grid.csv")
    assert str(err.value).startswith("layers/p.yaml (layer 'p'): key 'population.")
    for w in words:
        assert w in str(err.value)


# ----------------------------------------------------------------------------- spreading


@pytest.fixture()
def two_deso():
    """Two 'DeSO' polygons side by side: A = [0,10 km] x [0,10 km] with 100 people, B = [10,20 km] with 40."""
    return gpd.GeoDataFrame({"deso": ["A", "B"], "population": [100.0, 40.0], "working_age": [60.0, 20.0]},
                            geometry=[shapely.box(0, 0, 10_000, 10_000), shapely.box(10_000, 0, 20_000, 10_000)],
                            crs=CRS, index=[10, 11])


def test_spread_onto_points_equal_and_by_weight(two_deso):
    villages = gpd.GeoDataFrame({"name": ["a1", "a2", "a3", "b1", "out"], "dwellings": [1, 1, 2, 5, 9]},
                                geometry=[P(1000, 1000), P(2000, 2000), P(3000, 3000), P(15000, 5000),
                                          P(50000, 5000)], crs=CRS)
    eq, notes = spread_onto_points(two_deso, villages, method="equal")
    # A: 100 over a1..a3 = 33.33 each; B: 40 to b1; the point outside both gets nothing
    assert eq["name"].tolist() == ["a1", "a2", "a3", "b1"]
    assert eq["population"].tolist() == pytest.approx([100 / 3] * 3 + [40])
    assert eq["working_age"].tolist() == pytest.approx([20, 20, 20, 20])
    assert eq["source_index"].tolist() == [10, 10, 10, 11] and eq["modelled"].all()
    assert "equal shares" in notes[0]
    by_w, _ = spread_onto_points(two_deso, villages, method="weight", weight="dwellings")
    assert by_w["population"].tolist() == pytest.approx([25, 25, 50, 40])  # A by 1:1:2
    for out in (eq, by_w):  # totals conserved
        assert out["population"].sum() == pytest.approx(140) and out["working_age"].sum() == pytest.approx(80)


def test_polygon_without_points_keeps_its_people(two_deso):
    only_a = gpd.GeoDataFrame(geometry=[P(5000, 5000)], crs=CRS)
    out, notes = spread_onto_points(two_deso, only_a)
    assert out["population"].tolist() == [100, 40]
    assert out["kind"].tolist() == ["spread_points", "polygon_point"]
    assert shapely.within(out.geometry.iloc[1], two_deso.geometry.loc[11])
    assert any("1 polygon(s) with nothing to spread onto keep their 40 people" in n for n in notes)


def test_spread_onto_roads_by_length(two_deso):
    # a 12 km road: 10 km inside A (y = 5 km), 2 km inside B; a 3 km spur in A; nothing else
    roads = gpd.GeoDataFrame(geometry=[L([(0, 5000), (12_000, 5000)]), L([(4000, 5000), (4000, 8000)])], crs=CRS)
    out, notes = spread_onto_lines(two_deso, roads, step_m=2500)
    a = out[out["source_index"] == 10]
    b = out[out["source_index"] == 11]
    # A has 13 km of road: 100 people -> 100/13 per km; the 10 km piece in 4 points of 2.5 km, the spur in 2 of 1.5 km
    assert sorted(a["population"].round(6)) == sorted([round(100 * 2.5 / 13, 6)] * 4 + [round(100 * 1.5 / 13, 6)] * 2)
    assert a["population"].sum() == pytest.approx(100) and a["working_age"].sum() == pytest.approx(60)
    # B: the 2 km piece is one point with all 40, at the middle of the piece
    assert b["population"].tolist() == pytest.approx([40]) and b.geometry.iloc[0].equals(P(11_000, 5000))
    assert (out["kind"] == "modelled_road").all() and out.crs == two_deso.crs
    assert "in proportion to road length" in notes[0] and "15.0 km" in notes[0]


def test_population_layer_spreads_as_the_spec_says(two_deso):
    roads = gpd.GeoDataFrame(geometry=[L([(0, 5000), (20_000, 5000)])], crs=CRS)
    spec = PopulationSpec(spread=SpreadSpec(onto="roads", method="road_length", step_m=5000))
    out, notes = population_layer(two_deso, spec, onto=roads)
    assert out["population"].tolist() == pytest.approx([50, 50, 20, 20])
    assert notes[0].startswith("spread onto 'roads':")
    with pytest.raises(DataLayerError, match="needs a line layer"):
        spread_onto_lines(two_deso, gpd.GeoDataFrame(geometry=[P(1, 1)], crs=CRS))
    with pytest.raises(DataLayerError, match="not points"):
        spread_onto_points(two_deso, roads)


# ----------------------------------------------------------------------------- disclosure


def test_disclosure_hides_small_counts_and_rounds_the_rest():
    cells = pd.DataFrame({"population": [0, 1, 4, 4.4, 4.6, 5, 2766.3], "working_age": [0, 0, 3, 2, 2, 4, 1500],
                          "name": list("abcdefg")})
    text, hidden = disclose(cells, as_text=True)
    assert text["population"].tolist() == [0, "< 5", "< 5", "< 5", 5, 5, 2766]
    assert text["working_age"].tolist() == [0, 0, "< 5", "< 5", "< 5", "< 5", 1500]
    assert hidden == 3 + 4
    numbers, _ = disclose(cells)
    assert np.isnan(numbers["population"].to_numpy()[[1, 2, 3]]).all()
    assert numbers["population"].to_numpy()[[0, 4, 5, 6]].tolist() == [0, 5, 5, 2766]
    assert cells["population"].iloc[1] == 1  # input unchanged
    higher, hidden10 = disclose(cells, 10, as_text=True)
    assert higher["population"].tolist()[5] == "< 10" and hidden10 > hidden


# ----------------------------------------------------------------------------- totals on the toy network


def test_people_and_working_age_per_band_by_hand(toy_network):
    """Toy network: site at A; B is 100 s away, C 150 s, E 350 s; the island F is unreachable."""
    site = gpd.GeoDataFrame({"site_id": ["a"]}, geometry=[P(0, 0)], crs=CRS)
    people = gpd.GeoDataFrame({"population": [10.0, 20.0, 40.0, 80.0], "working_age": [6, 11, 25, 50],
                               "age_6_15": [1, 2, 4, 8]},
                              geometry=[P(1000, 0), P(2000, 0), P(3000, 0), P(10500, 0)], crs=CRS)
    res = accessibility(toy_network, site, people, minutes=[2, 3, 10])
    tot = res.totals[res.totals["scope"] == "site"].set_index("minutes")
    # <= 2 min: B (100 s); <= 3 min: B, C (150 s); <= 10 min: B, C, E (350 s); the island never
    assert tot["population"].tolist() == [10, 30, 70]
    assert tot["working_age"].tolist() == [6, 17, 42]
    assert tot["age_6_15"].tolist() == [1, 3, 7]
