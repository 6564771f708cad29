"""Main routes of the default study: modelled summer times within a stated tolerance of known driving times.

The known times and what they rest on are in ``scripts/route_times.py`` (``ROUTES``; approximate
route-planner figures, one derived from a published route's average speed). The table in README.md
and docs/network.md is printed by that script. Routes are found by settlement name, so the test
holds whatever roads ``data/roads.osm`` contains (e.g. with the E4 towards Skellefteå added).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    not (ROOT / "data" / "roads.osm").exists() or not (ROOT / "layers" / "settlements.yaml").exists(),
    reason="default study data not built",
)


def _script():
    spec = importlib.util.spec_from_file_location("route_times", ROOT / "scripts" / "route_times.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def routes():
    script = _script()
    return script, script.route_times(ROOT)


def test_summer_times_within_tolerance_of_known_times(routes):
    script, table = routes
    assert set(table["to"]) == {"Luleå", "Boden", "Gällivare", "Arvidsjaur", "Kvikkjokk", "Porjus", "Vuollerim"}
    assert np.isfinite(table["minutes_summer"]).all()
    off = table[table["diff_summer"].abs() > script.TOLERANCE]
    assert off.empty, f"modelled summer times more than {script.TOLERANCE:.0%} off the known times:\n{off}"
    # and not biased: the mean difference is small (the signed limits were about 8 % too fast on average)
    assert abs(table["diff_summer"].mean()) <= script.MEAN_TOLERANCE


def test_model_is_slower_than_signed_limits_and_winter_slower_than_summer(routes):
    _, table = routes
    assert (table["minutes_summer"] > table["minutes_signed_limits"]).all()
    assert (table["minutes_winter"] > table["minutes_summer"]).all()
    # Jokkmokk-Luleå was about 2 hours at the signed limits, faster than people drive it
    lulea = table.set_index("to").loc["Luleå"]
    assert lulea["minutes_summer"] > lulea["minutes_signed_limits"] * 1.05


def test_markdown_table_has_every_route(routes):
    script, table = routes
    text = script.markdown(table)
    assert text.count("\n") == len(table) + 1 and "| Luleå | rv 97 | 2 h 15 |" in text
