"""Colour-blind-safe palettes: the deuteranopia simulation and the CIEDE2000 measure, checked by hand."""

import numpy as np
import pytest

from jokkgeo.render.palettes import (
    MIN_DELTA_E,
    ciede2000,
    delta_e,
    min_neighbour_delta_e,
    palette,
    simulate_deuteranopia,
)


def test_ciede2000_matches_sharma_reference_pairs():
    # Sharma, Wu & Dalal (2005), Table 1: pairs 1, 7 and 17 with their published ΔE00
    lab1 = np.array([[50.0, 2.6772, -79.7751], [50.0, 0.0, 0.0], [50.0, 2.5, 0.0]])
    lab2 = np.array([[50.0, 0.0, -82.7485], [50.0, -1.0, 2.0], [56.0, -27.0, -3.0]])
    assert ciede2000(lab1, lab2) == pytest.approx([2.0425, 2.3669, 31.9030], abs=1e-4)


def test_simulation_keeps_greys_and_merges_red_and_green():
    # greys have equal linear RGB channels and every matrix row sums to 1: unchanged
    assert simulate_deuteranopia(["#808080", "#ffffff", "#000000"]) == ("#808080", "#ffffff", "#000000")
    # the old severity red and "no conflict" green (evidence: cvd_deuteranopia_*.png) come close
    red, green = "#b2182b", "#1a9850"
    before = float(delta_e([red], [green])[0])
    after = min_neighbour_delta_e([red, green])
    assert before > 40 and after < before / 2


def test_delta_e_is_zero_for_equal_colours_and_symmetric():
    assert float(delta_e(["#123456"], ["#123456"])[0]) == 0.0
    a, b = ["#2166ac", "#e66101"], ["#e66101", "#2166ac"]
    d = delta_e(a, b)
    assert d[0] == pytest.approx(d[1])


@pytest.mark.parametrize(("kind", "counts", "all_pairs"), [
    ("sequential_bands", range(1, 7), False),
    ("severity", range(1, 5), False),
    ("gain_loss", range(1, 4), True),
    ("categorical", range(1, 9), True),
])
def test_neighbouring_classes_stay_apart_for_a_deuteranope(kind, counts, all_pairs):
    for n in counts:
        colours = palette(kind, n)
        assert len(colours) == n and len(set(colours)) == n
        assert min_neighbour_delta_e(colours, all_pairs=all_pairs) >= MIN_DELTA_E, (kind, n, colours)


def test_bands_get_lighter_away_from_the_site():
    from jokkgeo.render.palettes import srgb_to_lab

    rgb = np.array([[int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)] for c in palette("sequential_bands", 5)])
    lightness = srgb_to_lab(rgb)[:, 0]
    assert np.all(np.diff(lightness) > 0)


def test_severity_no_conflict_is_not_green():
    none = palette("severity", 4)[3]
    r, g, b = (int(none[i:i + 2], 16) for i in (1, 3, 5))
    assert b > g > r  # a blue


def test_unknown_kind_and_too_many_classes_are_refused():
    with pytest.raises(ValueError, match="unknown"):
        palette("rainbow", 3)
    with pytest.raises(ValueError, match="at most 3"):
        palette("gain_loss", 4)
