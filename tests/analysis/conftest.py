"""Shared fixtures of the analysis tests."""

import geopandas as gpd
import pytest
import shapely

from jokkgeo.network.graph import graph_from_lines


@pytest.fixture()
def toy():
    """The hand-solved toy network of the catchment and accessibility tests (speeds in km/h).

    A(0,0) -36- B(1000,0) -72- C(2000,0) -18- E(3000,0); B -> D(1000,1000) one-way residential at 36;
    D - C tertiary SE:urban (50); an island F(10000,0) - G(11000,0) at 36.
    """
    L = shapely.LineString
    roads = gpd.GeoDataFrame(
        {
            "highway": ["primary", "primary", "residential", "tertiary", "unclassified", "unclassified"],
            "maxspeed": ["36", "72", "36", "SE:urban", "18", "36"],
            "oneway": ["no", "no", "yes", "no", "no", "no"],
        },
        geometry=[L([(0, 0), (1000, 0)]), L([(1000, 0), (2000, 0)]), L([(1000, 0), (1000, 1000)]),
                  L([(1000, 1000), (2000, 0)]), L([(2000, 0), (3000, 0)]), L([(10000, 0), (11000, 0)])],
        crs="EPSG:3006",
    )
    return graph_from_lines(roads)
