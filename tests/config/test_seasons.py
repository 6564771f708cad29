"""Season profile schema."""

from __future__ import annotations

import pytest

from jokkgeo.config.seasons import parse_seasons
from jokkgeo.errors import CatalogueError
from jokkgeo.io.configs import read_seasons
from jokkgeo.network.profiles import get_profile, profile_from_spec


def test_packaged_seasons_match_network_profiles():
    seasons = read_seasons()
    assert profile_from_spec(seasons["winter"]) == get_profile("winter")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"w": {"factors": {"trunk": 2}}}, r"s.yaml: key 'w.factors.trunk': must be in \(0, 1.5\], got 2"),
        ({"w": {"closed": ["river"]}}, r"s.yaml: key 'w.closed\[0\]': 'river' is not a road class"),
        ({"w": {"speed": 1}}, "s.yaml: key 'w.speed': unknown key"),
        ({}, "s.yaml: no profiles"),
    ],
)
def test_errors(doc, message):
    with pytest.raises(CatalogueError, match=message):
        parse_seasons(doc, "s.yaml", road_classes=("trunk", "track"))
