"""Season profiles: packaged YAML, validation, weights without rebuilding the network."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from jokkgeo.errors import CatalogueError
from jokkgeo.network.graph import graph_from_lines
from jokkgeo.network.profiles import available_profiles, get_profile, profile_from_dict, seasonal_classes


def test_packaged_profiles():
    assert {"summer", "winter"} <= set(available_profiles())
    summer, winter = get_profile("summer"), get_profile("winter")
    assert summer.closed == frozenset() and not summer.factors
    assert winter.closed == frozenset({"track"})
    assert winter.factors["trunk"] == 0.9 and winter.factors["tertiary"] == 0.85
    assert winter.surface_factors["unpaved"] == 0.8
    assert "track" in seasonal_classes()
    assert get_profile(None).name == "summer"


def test_unknown_profile_lists_available():
    with pytest.raises(CatalogueError, match="available: summer, winter"):
        get_profile("spring")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"factors": {"motorwy": 0.9}}, "motorwy"),
        ({"factors": {"trunk": 2}}, r"\(0, 1.5\]"),
        ({"closed": "track"}, "closed"),
        ({"speed": 1}, "unknown key 'speed'"),
    ],
)
def test_profile_validation(data, match):
    with pytest.raises(CatalogueError, match=match):
        profile_from_dict("x", data)


def test_winter_weights_by_hand():
    # 1 km each: trunk 90 km/h paved, tertiary 70 gravel, track 30
    roads = gpd.GeoDataFrame(
        {"highway": ["trunk", "tertiary", "track"], "maxspeed": ["90", "70", None],
         "surface": ["asphalt", "gravel", None]},
        geometry=[shapely.LineString([(0, 0), (1000, 0)]), shapely.LineString([(0, 1000), (1000, 1000)]),
                  shapely.LineString([(0, 2000), (1000, 2000)])],
        crs="EPSG:3006",
    )
    net = graph_from_lines(roads)
    # the season factors on the signed limits (the profiles without the operating-speed model)
    summer = net.travel_time("signed_limits")
    winter = net.travel_time("winter_signed_limits")
    by_class = {c: (summer[net.arc_class == c][0], winter[net.arc_class == c][0])
                for c in ("trunk", "tertiary", "track")}
    assert by_class["trunk"] == pytest.approx((40.0, 40.0 / 0.9))
    # tertiary factor 0.85 but gravel 0.8: the smaller applies
    assert by_class["tertiary"] == pytest.approx((1000 / (70 / 3.6), 1000 / (70 * 0.8 / 3.6)))
    assert by_class["track"][0] == pytest.approx(120.0) and np.isinf(by_class["track"][1])
    # open_tracks variant keeps tracks at 0.7
    assert net.travel_time("winter_open_tracks")[net.arc_class == "track"][0] == pytest.approx(120 / 0.7)
    # summer arrays are cached and not affected
    assert net.travel_time("signed_limits") is summer
