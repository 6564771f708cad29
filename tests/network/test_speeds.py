"""Speed model: parsing of limits, fallbacks by class, provenance and counting of replacements."""

from __future__ import annotations

import numpy as np
import pytest

from jokkgeo.errors import AnalysisError
from jokkgeo.network.speeds import (
    DEFAULT_FALLBACK_KPH,
    assign_speeds,
    normalise_class,
    normalise_surface,
    parse_maxspeed,
)


@pytest.mark.parametrize(
    ("raw", "kph", "kind"),
    [
        ("70", 70.0, "signed"),
        (90, 90.0, "signed"),
        ("50 mph", 50 * 1.609344, "signed"),
        ("30 km/h", 30.0, "signed"),
        ("SE:rural", 70.0, "implicit"),
        ("SE:urban", 50.0, "implicit"),
        ("se:rural", 70.0, "implicit"),
        ("70;50", 60.0, "signed"),  # mean of the plausible entries
        (["80", "100"], 90.0, "signed"),
        (["80", "5000"], 80.0, "signed"),  # the implausible entry is dropped, not averaged in
        ("['70', '90']", 80.0, "signed"),  # a list written out as text
        ("0", np.nan, "invalid"),
        ("-30", np.nan, "invalid"),
        ("151", np.nan, "invalid"),
        ("5000", np.nan, "invalid"),
        ("signals", np.nan, "invalid"),
        ("none", np.nan, "invalid"),
        (True, np.nan, "invalid"),
        (None, np.nan, "missing"),
        (np.nan, np.nan, "missing"),
        ("", np.nan, "missing"),
    ],
)
def test_parse_maxspeed(raw, kph, kind):
    speed, kinds = parse_maxspeed([raw])
    assert kinds[0] == kind
    if np.isnan(kph):
        assert np.isnan(speed[0])
    else:
        assert speed[0] == pytest.approx(kph)


def test_parse_maxspeed_max_kph_is_configurable():
    speed, kinds = parse_maxspeed(["130", "160"], max_kph=150)
    assert speed[0] == 130 and kinds[1] == "invalid"
    speed, kinds = parse_maxspeed(["130"], max_kph=120)
    assert kinds[0] == "invalid"


def test_classes_and_surfaces():
    cls = normalise_class(["trunk_link", "footway", "road", "weird", None, 3, "9", ["residential", "primary"]])
    assert cls.tolist() == ["trunk", "excluded", "unclassified", "unknown", "unknown", "secondary", "track", "primary"]
    assert normalise_surface(["asphalt", "gravel", "grus", None, "Belagd"]).tolist() == [
        "paved", "unpaved", "unpaved", "unknown", "paved"]


def test_assign_speeds_provenance_and_counts():
    raw = ["80", "SE:rural", None, "5000", "signals"]
    cls = np.array(["primary", "tertiary", "track", "secondary", "residential"], dtype=object)
    speed, source, report = assign_speeds(raw, cls)
    assert speed.tolist() == [80.0, 70.0, DEFAULT_FALLBACK_KPH["track"], DEFAULT_FALLBACK_KPH["secondary"],
                              DEFAULT_FALLBACK_KPH["residential"]]
    assert source.tolist() == ["maxspeed", "maxspeed_implicit", "fallback_class", "fallback_invalid",
                               "fallback_invalid"]
    assert report.counts == {"maxspeed": 1, "maxspeed_implicit": 1, "fallback_class": 1, "fallback_invalid": 2}
    assert report.invalid_values == {"5000": 1, "signals": 1}
    # never the osmnx behaviour: no value far above the plausible range
    assert speed.max() <= 150


def test_assign_speeds_fallback_overrides_and_validation():
    speed, _, _ = assign_speeds([None], np.array(["track"], dtype=object), fallback_kph={"track": 40})
    assert speed[0] == 40
    with pytest.raises(AnalysisError, match="unknown road class 'forest'"):
        assign_speeds([None], np.array(["track"], dtype=object), fallback_kph={"forest": 40})
    with pytest.raises(AnalysisError, match="must be in"):
        assign_speeds([None], np.array(["track"], dtype=object), fallback_kph={"track": 0})
