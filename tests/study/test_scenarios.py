"""Scenario files: parsing, validation (errors name file and key) and applying to a study."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import yaml
from shapely.geometry import LineString, box

from jokkgeo.config.layers import Catalogue
from jokkgeo.config.scenarios import BASELINE, ScenarioSet, select_mask
from jokkgeo.errors import CatalogueError, DataLayerError, DataSourceError
from jokkgeo.io.configs import read_catalogue, read_scenario, read_scenarios, scenario_from_data
from jokkgeo.study.scenario import Study, apply_scenario

CRS = "EPSG:3006"
X0, Y0 = 700_000, 7_400_000  # somewhere in Jokkmokk (SWEREF 99 TM), so loaders accept the data


def at(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Move a toy layer drawn around (0, 0) to Jokkmokk."""
    return frame.set_geometry(frame.geometry.translate(X0, Y0))
META = {"provenance": "test", "licence": "CC0 1.0", "attribution": "test", "accuracy_m": 10}


def write_yaml(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    roads = gpd.GeoDataFrame(
        {
            "osmid": [1, 2, 3, 4],
            "highway": ["primary", "secondary", "primary", "track"],
            "ref": ["97", "805", "E 45;97", None],
            "maxspeed": [90.0, 70.0, 90.0, None],
        },
        geometry=[LineString([(0, 0), (1000, 0)]), LineString([(1000, 0), (2000, 0)]),
                  LineString([(2000, 0), (3000, 0)]), LineString([(0, 0), (0, 1000)])],
        crs=CRS,
    )
    at(roads).to_file(data / "study.gpkg", layer="roads")
    housing = gpd.GeoDataFrame(
        {"area_id": ["h1"], "dwellings": [10], "status": ["existing"]}, geometry=[box(0, 0, 100, 100)], crs=CRS
    )
    at(housing).to_file(data / "study.gpkg", layer="housing_land")
    power = gpd.GeoDataFrame(
        {"name": ["a", "b"], "voltage_kv": [400, 130]},
        geometry=[LineString([(0, 0), (5, 5)]), LineString([(0, 5), (5, 0)])], crs=CRS,
    )
    at(power).to_file(data / "study.gpkg", layer="power_lines")
    extra = gpd.GeoDataFrame({"area_id": ["new1"], "dwellings": [150], "status": ["planned"]},
                             geometry=[box(200, 0, 300, 100)], crs=CRS)
    at(extra).to_file(data / "scen.gpkg", layer="new_housing")
    spur = gpd.GeoDataFrame({"name": ["spur"]}, geometry=[LineString([(0, 0), (0, 5000)])], crs=CRS)
    at(spur).to_file(data / "scen.gpkg", layer="spur")
    layers = tmp_path / "layers"
    for lid, theme, gtype in (("roads", "roads", "LineString"), ("housing_land", "housing_land", "Polygon"),
                              ("power_lines", "power", "LineString")):
        write_yaml(layers / f"{lid}.yaml", {"id": lid, "title": lid, "theme": theme, "geometry_type": gtype,
                                            "source": {"path": "data/study.gpkg", "layer": lid}, **META})
    return tmp_path


def catalogue(project: Path) -> Catalogue:
    return read_catalogue(project / "layers")


def spur_spec(**extra):
    return {"id": "ore_spur", "title": "Malmbana (illustrativ)", "title_en": "Ore rail spur (illustrative)",
            "theme": "rail", "geometry_type": "LineString", "illustrative": True,
            "source": {"path": "data/scen.gpkg", "layer": "spur"}, **META, **extra}


# ------------------------------------------------------------------ parsing and validation
def test_parse_full_scenario(project):
    path = write_yaml(project / "scenarios" / "kallak_rail.yaml", {
        "title": "Kallak, järnväg", "title_en": "Kallak, rail", "season": "winter",
        "add_layers": [spur_spec()],
        "remove_layers": ["power_lines"],
        "filter_layers": {"housing_land": {"exclude": {"status": "demolished"}}},
        "road_changes": [{"select": {"ref": ["805", 97]}, "set": {"maxspeed": 60, "traffic": "ore_trucks"}}],
        "parameters": {"catchments": {"minutes": [15, 30]}},
    })
    scen = read_scenario(path, root=project)
    assert scen.name == "kallak_rail" and scen.season == "winter" and scen.label("en") == "Kallak, rail"
    assert scen.add_layers[0].spec.id == "ore_spur" and scen.add_layers[0].spec.illustrative
    assert scen.add_layers[0].spec.licence == "CC0 1.0"
    assert scen.road_changes[0].select == {"ref": ("805", 97)}
    assert scen.illustrative  # derived from the illustrative layer
    assert not scen.is_baseline


@pytest.mark.parametrize(
    ("doc", "key", "fragment"),
    [
        ({"title": "x", "sesaon": "winter"}, "sesaon", "unknown key"),
        ({"title": "x", "season": "autumn"}, "season", "not a season profile"),
        ({}, "title", "missing"),
        ({"title": "x", "add_layers": [{**spur_spec(), "licence": None}]}, "add_layers[0].licence", "missing"),
        ({"title": "x", "add_layers": [{**spur_spec(), "theme": "railway"}]}, "add_layers[0].theme", "not a theme"),
        ({"title": "x", "road_changes": [{"select": {"ref": "97"}}]}, "road_changes[0]", "changes nothing"),
        ({"title": "x", "road_changes": [{"set": {"maxspeed": 50}}]}, "road_changes[0].select", "missing"),
        ({"title": "x", "road_changes": [{"select": {"ref": "97"}, "set": {"maxspeed": 500}}]},
         "road_changes[0].set.maxspeed", "outside"),
        ({"title": "x", "road_changes": [{"select": {"ref": "97"}, "close": "yes"}]},
         "road_changes[0].close", "true or false"),
        ({"title": "x", "filter_layers": {"roads": {"keep": {"a": 1}}}}, "filter_layers.roads.keep", "unknown key"),
        ({"title": "x", "parameters": {"catchment": {}}}, "parameters.catchment", "unknown analysis"),
        ({"title": "x", "parameters": {"catchments": {"minuts": [5]}}}, "parameters.catchments.minuts",
         "unknown parameter"),
        ({"title": "x", "road_changes": [{"select": {"ref": "97"}, "bbox": [0, 0, 1, 1], "close": True}]},
         "road_changes[0].bbox", "EPSG:3006"),
        ({"title": "x", "name": "other"}, "name", "differs from the file name"),
    ],
)
def test_parse_errors_name_file_and_key(project, doc, key, fragment):
    path = write_yaml(project / "scenarios" / "bad.yaml", doc)
    with pytest.raises(CatalogueError) as info:
        read_scenario(path, root=project)
    message = str(info.value)
    assert message.startswith(f"{path}: key '{key}'"), message
    assert fragment in message


def test_missing_source_file_names_key(project):
    path = write_yaml(project / "scenarios" / "bad.yaml",
                      {"title": "x", "add_layers": [spur_spec(source={"path": "data/nope.gpkg"})]})
    with pytest.raises(DataSourceError, match=r"bad.yaml: key 'add_layers\[0\].source.path'"):
        read_scenario(path, root=project)


def test_spec_path_outside_project_refused(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "x.yaml"
    write_yaml(outside, spur_spec())
    path = write_yaml(project / "scenarios" / "s.yaml", {"title": "x", "add_layers": [{"spec": str(outside)}]})
    with pytest.raises(CatalogueError, match=r"key 'add_layers\[0\].spec'.*outside the project"):
        read_scenario(path, root=project)


def test_layer_spec_by_path(project):
    write_yaml(project / "scenarios" / "layers" / "ore_spur.yaml", spur_spec())
    path = write_yaml(project / "scenarios" / "s.yaml",
                      {"title": "x", "add_layers": [{"spec": "scenarios/layers/ore_spur.yaml"}]})
    scen = read_scenario(path, root=project)
    assert scen.add_layers[0].spec.spec_path.name == "ore_spur.yaml"


def test_unknown_layer_ids_are_reported_with_key(project):
    write_yaml(project / "scenarios" / "s.yaml", {"title": "x", "remove_layers": ["roads", "powerlines"]})
    with pytest.raises(CatalogueError, match=r"s.yaml: key 'remove_layers\[1\]': no layer with id 'powerlines'"):
        read_scenarios(project / "scenarios", catalogue=catalogue(project))
    write_yaml(project / "scenarios" / "s.yaml",
               {"title": "x", "road_changes": [{"layer": "power_lines", "select": {"name": "a"}, "close": True}]})
    with pytest.raises(CatalogueError, match=r"key 'road_changes\[0\].layer'.*theme 'roads'"):
        read_scenarios(project / "scenarios", catalogue=catalogue(project))


def test_scenario_set_baseline_extends_and_cycles(project):
    sdir = project / "scenarios"
    write_yaml(sdir / "mine.yaml", {"title": "mine", "add_layers": [spur_spec()]})
    write_yaml(sdir / "mine_winter.yaml", {"title": "mine in winter", "extends": "mine", "season": "winter"})
    scenarios = read_scenarios(sdir, catalogue=catalogue(project))
    assert scenarios[BASELINE].is_baseline
    child = scenarios["mine_winter"]
    assert [a.spec.id for a in child.add_layers] == ["ore_spur"] and child.season == "winter"
    with pytest.raises(CatalogueError, match="no scenario named 'nope'; available: baseline, mine, mine_winter"):
        scenarios["nope"]
    write_yaml(sdir / "mine.yaml", {"title": "mine", "extends": "mine_winter"})
    with pytest.raises(CatalogueError, match="cycle"):
        read_scenarios(sdir)["mine"]


def test_baseline_file_name_is_reserved(project):
    write_yaml(project / "scenarios" / "baseline.yaml", {"title": "x"})
    with pytest.raises(CatalogueError, match="built in"):
        read_scenarios(project / "scenarios")


# ------------------------------------------------------------------ selection
def test_select_mask_matches_text_lists_and_multi_refs():
    frame = pd.DataFrame({"ref": ["97", "805", "E 45;97", None], "osmid": [1, [2, 3], 4.0, 5]})
    assert select_mask(frame, {"ref": (97,)}).tolist() == [True, False, True, False]
    assert select_mask(frame, {"osmid": (3,)}).tolist() == [False, True, False, False]
    assert select_mask(frame, {"osmid": (4,), "ref": ("E 45",)}).tolist() == [False, False, True, False]
    with pytest.raises(DataLayerError, match="column 'refs' not in the layer"):
        select_mask(frame, {"refs": ("97",)})


# ------------------------------------------------------------------ applying
def test_apply_shares_unchanged_layers_and_changes_the_rest(project):
    cat = catalogue(project)
    path = write_yaml(project / "scenarios" / "s.yaml", {
        "title": "x",
        "add_layers": [spur_spec(),
                       {**spur_spec(id="new_housing", theme="housing_land", geometry_type="Polygon",
                                    source={"path": "data/scen.gpkg", "layer": "new_housing"}),
                        "append_to": "housing_land"}],
        "remove_layers": ["power_lines"],
        "road_changes": [{"select": {"ref": "97"}, "set": {"maxspeed": 60}},
                         {"select": {"highway": "track"}, "close": True}],
    })
    scen = read_scenario(path, root=project)
    base = Study.from_catalogue(cat)
    roads_before = base.layer("roads").copy()
    study = apply_scenario(base, scen)
    assert set(study.layer_ids) == {"roads", "housing_land", "ore_spur"}
    assert study.changed_layers(base) == {"roads", "housing_land", "ore_spur", "power_lines"}
    roads = study.layer("roads")
    assert roads["maxspeed"].tolist()[:3] == [60, 70, 60]      # refs '97' and 'E 45;97'
    assert roads["closed"].tolist() == [False, False, False, True]
    pd.testing.assert_frame_equal(base.layer("roads"), roads_before)  # base untouched
    housing = study.layer("housing_land")
    assert housing["dwellings"].sum() == 160 and housing.index.tolist() == [0, 1]
    assert "housing_land" in study.illustrative_layers and "ore_spur" in study.illustrative_layers
    assert {c.kind for c in study.changes} == {"added", "appended", "roads_changed", "removed"}


def test_unchanged_layer_is_the_same_object_and_loaded_once(project):
    calls = []

    def loader(spec):
        calls.append(spec.id)
        return gpd.read_file(spec.source.path, layer=spec.source.layer)

    base = Study.from_catalogue(catalogue(project), loader=loader)
    path = write_yaml(project / "scenarios" / "w.yaml", {"title": "winter", "season": "winter",
                                                         "remove_layers": ["power_lines"]})
    winter = apply_scenario(base, read_scenario(path, root=project))
    assert winter.season == "winter" and base.season == "summer"
    assert winter.layer("roads") is base.layer("roads")
    assert winter.layer_token("roads") == base.layer_token("roads")
    assert calls.count("roads") == 1
    assert winter.changed_layers(base) == {"power_lines"}


def test_filter_and_empty_selection_errors_name_key(project):
    base = Study.from_catalogue(catalogue(project))
    path = write_yaml(project / "scenarios" / "f.yaml",
                      {"title": "x", "filter_layers": {"power_lines": {"where": {"voltage_kv": 400}}},
                       "road_changes": [{"select": {"ref": "999"}, "set": {"maxspeed": 50}}]})
    study = apply_scenario(base, read_scenario(path, root=project))
    assert study.layer("power_lines")["name"].tolist() == ["a"]
    with pytest.raises(DataLayerError, match=r"f.yaml: key 'road_changes\[0\].select': no feature"):
        study.layer("roads")


def test_baseline_scenario_changes_nothing(project):
    base = Study.from_catalogue(catalogue(project))
    same = apply_scenario(base, ScenarioSet({})[BASELINE])
    assert same.changed_layers(base) == set()
    assert same.layer("roads") is base.layer("roads")


def test_inline_scenario_without_file(project):
    scen = scenario_from_data({"name": "inline", "title": "t", "season": "winter"}, None, root=project)
    assert scen.name == "inline"
    with pytest.raises(CatalogueError, match="<scenario>: key 'name'"):
        scenario_from_data({"title": "t"}, None, root=project)


# ------------------------------------------------------------------ the default scenarios
ROOT = Path(__file__).resolve().parents[2]


def test_default_scenarios_validate_and_are_labelled_illustrative():
    cat = read_catalogue(ROOT / "layers")
    scenarios = read_scenarios(ROOT / "scenarios", catalogue=cat)
    assert {"baseline", "kallak_mine", "kallak_road", "kallak_rail", "jokkmokk_housing", "winter"} <= set(scenarios)
    assert scenarios["winter"].season == "winter"
    road, rail = scenarios["kallak_road"], scenarios["kallak_rail"]
    assert [a.spec.id for a in rail.add_layers] == ["kallak_access_road", "kallak_rail_spur"]
    assert {c.select["ref"] for c in road.road_changes} == {("805", "97")}
    for name in scenarios:
        for added in scenarios[name].add_layers:
            spec = added.spec
            assert spec.illustrative and spec.licence and spec.provenance and spec.accuracy_m > 0, spec.id
            assert spec.caveat and spec.caveat_en
            gdf = gpd.read_file(spec.source.path, layer=spec.source.layer)
            assert gdf.crs == CRS and len(gdf) == 1


def test_default_ore_truck_change_selects_805_and_97_roads():
    cat = read_catalogue(ROOT / "layers")
    scenarios = read_scenarios(ROOT / "scenarios", catalogue=cat)
    study = apply_scenario(Study.from_catalogue(cat), scenarios["kallak_road"])
    roads = study.layer("roads")
    trucks = roads[roads["traffic"] == "ore_trucks"]
    assert set(trucks["ref"]) == {"805", "97"}
    # only the 805 east of Kallak (the bbox), not towards Kvikkjokk
    assert trucks.loc[trucks["ref"] == "805"].geometry.bounds["minx"].min() >= 682_000
    assert (roads["scenario_layer"] == "kallak_access_road").sum() == 1


def test_feature_changes_set_attributes_of_selected_features(project):
    base = Study.from_catalogue(catalogue(project))
    path = write_yaml(project / "scenarios" / "j.yaml", {
        "title": "x",
        "feature_changes": [{"layer": "housing_land", "select": {"area_id": "h1"},
                             "set": {"dwellings": 25, "status": "planned", "start_year": 2030}}],
    })
    scen = read_scenario(path, root=project)
    assert scen.illustrative
    study = apply_scenario(base, scen)
    housing = study.layer("housing_land")
    assert housing[["dwellings", "status", "start_year"]].values.tolist() == [[25, "planned", 2030]]
    assert base.layer("housing_land")["dwellings"].tolist() == [10]           # base untouched
    assert study.changed_layers(base) == {"housing_land"}
    assert [c.kind for c in study.changes] == ["features_changed"]
    assert study.layer("roads") is base.layer("roads")


@pytest.mark.parametrize(("change", "fragment"), [
    ({"select": {"area_id": "h1"}, "set": {"dwellings": 1}}, r"feature_changes\[0\].layer': missing"),
    ({"layer": "housing_land", "set": {"dwellings": 1}}, r"feature_changes\[0\].select': missing"),
    ({"layer": "housing_land", "select": {"area_id": "h1"}}, r"feature_changes\[0\].set': changes nothing"),
    ({"layer": "housing_land", "select": {"area_id": "h1"}, "set": {"d": [1]}},
     r"feature_changes\[0\].set.d': expected one plain value"),
    ({"layer": "housing", "select": {"area_id": "h1"}, "set": {"d": 1}}, r"feature_changes\[0\].layer': no layer"),
    ({"layer": "roads", "select": {"ref": "97"}, "set": {"maxspeed": 50}},
     r"feature_changes\[0\].layer': layer 'roads' is a road layer; change roads with road_changes"),
])
def test_feature_change_errors_name_file_and_key(project, change, fragment):
    path = write_yaml(project / "scenarios" / "bad.yaml", {"title": "x", "feature_changes": [change]})
    with pytest.raises(CatalogueError, match=fragment):
        apply_scenario(Study.from_catalogue(catalogue(project)), read_scenario(path, root=project))


def test_feature_change_selecting_nothing_names_the_key(project):
    path = write_yaml(project / "scenarios" / "none.yaml", {
        "title": "x", "feature_changes": [{"layer": "housing_land", "select": {"area_id": "zz"}, "set": {"d": 1}}]})
    study = apply_scenario(Study.from_catalogue(catalogue(project)), read_scenario(path, root=project))
    with pytest.raises(DataLayerError, match=r"none.yaml: key 'feature_changes\[0\].select': no feature"):
        study.layer("housing_land")
