"""Fixtures for loader tests: one dataset written to every supported vector format."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from iosample import make_points, write_all_formats


@pytest.fixture(scope="module")
def all_formats(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    return write_all_formats(make_points(), tmp_path_factory.mktemp("formats"))


@pytest.fixture
def points() -> gpd.GeoDataFrame:
    return make_points()
