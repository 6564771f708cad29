"""OSM roads/rail/places from XML (hand-made file) and PBF (pyrosm's bundled test extract)."""

from __future__ import annotations

import pytest

from jokkgeo.errors import DataLayerError, DataSourceError
from jokkgeo.io.osm import read_osm_features
from jokkgeo.io.vector import read_vector

OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
 <node id="1" lat="66.6066" lon="19.8229"><tag k="place" v="town"/><tag k="name" v="Jokkmokk"/>
  <tag k="population" v="2 786"/></node>
 <node id="2" lat="66.61" lon="19.90"/>
 <node id="3" lat="66.62" lon="20.00"/>
 <node id="4" lat="66.63" lon="20.10"/>
 <node id="5" lat="66.64" lon="20.20"><tag k="place" v="village"/><tag k="name" v="Vájkijaure"/></node>
 <node id="6" lat="66.65" lon="20.30"><tag k="amenity" v="cafe"/><tag k="name" v="Café"/></node>
 <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/><tag k="ref" v="97"/>
  <tag k="maxspeed" v="90"/><tag k="surface" v="asphalt"/><tag k="name" v="Storgatan"/></way>
 <way id="11"><nd ref="3"/><nd ref="4"/><tag k="highway" v="track"/><tag k="oneway" v="yes"/>
  <tag k="name" v="Gállok &quot;väg&quot;"/></way>
 <way id="12"><nd ref="4"/><nd ref="5"/><tag k="railway" v="rail"/><tag k="name" v="Inlandsbanan"/></way>
 <way id="13"><nd ref="5"/><nd ref="6"/><tag k="waterway" v="river"/><tag k="name" v="Lilla Luleälven"/></way>
</osm>
"""


@pytest.fixture
def osm_xml(tmp_path):
    path = tmp_path / "roads.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    return path


def test_roads_from_xml(osm_xml):
    roads = read_osm_features(osm_xml, "roads")
    assert list(roads.columns) == ["osmid", "highway", "ref", "name", "maxspeed", "surface", "oneway", "geometry"]
    assert list(roads["osmid"]) == [10, 11]
    assert list(roads["highway"]) == ["primary", "track"]
    assert roads["ref"].iloc[0] == "97" and roads["maxspeed"].iloc[0] == "90" and roads["surface"].iloc[0] == "asphalt"
    assert roads["oneway"].iloc[1] == "yes"
    assert roads["name"].iloc[1] == 'Gállok "väg"'
    assert roads.crs.to_epsg() == 4326
    assert len(roads.geometry.iloc[0].coords) == 3


def test_rail_and_places_from_xml(osm_xml):
    rail = read_osm_features(osm_xml, "rail")
    assert list(rail["name"]) == ["Inlandsbanan"]
    places = read_osm_features(osm_xml, "places")
    assert list(places["name"]) == ["Jokkmokk", "Vájkijaure"]
    assert places["population"].iloc[0] == 2786 and places["population"].isna().iloc[1]


def test_read_vector_osm_goes_to_sweref(osm_xml):
    loaded = read_vector(osm_xml, layer="roads", geometry_type="LineString")
    assert loaded.gdf.crs.to_epsg() == 3006
    x, y = loaded.gdf.geometry.iloc[0].coords[0]
    assert 700000 < x < 730000 and 7380000 < y < 7410000  # Jokkmokk in SWEREF 99 TM
    with pytest.raises(DataLayerError, match="needs a layer"):
        read_vector(osm_xml)
    with pytest.raises(DataLayerError, match="'buildings' is not known"):
        read_vector(osm_xml, layer="buildings")


def test_broken_osm(tmp_path):
    path = tmp_path / "broken.osm"
    path.write_text("<osm><node id='1'", encoding="utf-8")
    with pytest.raises((DataSourceError, DataLayerError)):
        read_vector(path, layer="roads")


def test_roads_from_pbf_match_pyrosm():
    pyrosm = pytest.importorskip("pyrosm")
    path = pyrosm.get_data("test_pbf")
    roads = read_osm_features(path, "roads")
    expected = pyrosm.OSM(path).get_data_by_custom_criteria(
        custom_filter={"highway": True}, filter_type="keep", keep_nodes=False, keep_relations=False
    )
    assert len(roads) == len(expected) == 331
    assert set(roads["osmid"]) == set(expected["id"])
    assert (roads.geom_type == "LineString").all()


def test_read_layer_with_osm_spec(tmp_path, osm_xml):
    from jokkgeo.io.configs import layer_spec_from_data
    from jokkgeo.io.vector import read_layer

    spec = layer_spec_from_data(
        {"id": "roads", "title": "Vägar", "theme": "roads", "source": {"path": "roads.osm", "layer": "roads"},
         "geometry_type": "LineString", "provenance": "OSM", "licence": "ODbL 1.0", "attribution": "© OpenStreetMap",
         "accuracy_m": 20, "attributes": {"where": {"highway": ["primary"]}}},
        tmp_path / "layers" / "roads.yaml", root=tmp_path)
    loaded = read_layer(spec)
    assert list(loaded.gdf["ref"]) == ["97"] and loaded.report.n_filtered == 1
    assert loaded.gdf.crs.to_epsg() == 3006


def test_places_from_pbf_through_read_vector():
    pyrosm = pytest.importorskip("pyrosm")
    path = pyrosm.get_data("test_pbf")
    loaded = read_vector(path, layer="places", geometry_type="Point")
    expected = pyrosm.OSM(path).get_data_by_custom_criteria(
        custom_filter={"place": True}, filter_type="keep", keep_nodes=True, keep_ways=False, keep_relations=False
    )
    assert loaded.report.n_features == len(expected) == 6
    assert sorted(loaded.gdf["place"]) == sorted(expected["place"])
    assert loaded.gdf.crs.to_epsg() == 3006
