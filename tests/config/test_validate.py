"""The shared validators: one message format, bounded messages, strict types."""

from __future__ import annotations

import math

import pytest

from jokkgeo.config import _validate as v
from jokkgeo.errors import CatalogueError


def test_message_format_file_key_problem_allowed():
    with pytest.raises(CatalogueError) as info:
        v.check_keys({"colour": 1}, {"color", "weight"}, "a.yaml", "style")
    assert str(info.value) == "a.yaml: key 'style.colour': unknown key 'colour'; allowed keys are: color, weight"


def test_long_values_are_cut():
    huge = "lol!" * 100_000
    with pytest.raises(CatalogueError) as info:
        v.ident(huge, "a.yaml", "id")
    text = str(info.value)
    assert len(text) < 400 and "(400002 chars)" in text
    assert len(v.message("f", "k", "x" * 10_000)) == v.MAX_MESSAGE


@pytest.mark.parametrize("value", [True, "5", None, math.nan, math.inf, 10**400])
def test_number_refuses_bools_text_and_non_finite(value):
    with pytest.raises(CatalogueError, match="f: key 'k': expected a number"):
        v.number(value, "f", "k")


@pytest.mark.parametrize(
    ("kwargs", "value", "bound"),
    [
        ({"low": 0, "low_open": True}, 0, "positive"),
        ({"low": 50, "high": 1200}, 10, r"in \[50, 1200\]"),
        ({"low": 0, "low_open": True, "high": 1.5}, 2, r"in \(0, 1.5\]"),
        ({"high": 3}, 4, "at most 3"),
    ],
)
def test_number_ranges_are_named(kwargs, value, bound):
    with pytest.raises(CatalogueError, match=f"key 'k': must be {bound}, got {value}"):
        v.number(value, "f", "k", **kwargs)


def test_choice_lists_allowed_values():
    with pytest.raises(CatalogueError, match="'mines' is not a theme; use one of: roads, rail"):
        v.choice("mines", ("roads", "rail"), "f", "theme", "a theme")


def test_required_and_mapping():
    with pytest.raises(CatalogueError, match="f: key 'rules\\[0\\].id': missing \\(required\\)"):
        v.require({"id": None}, ("id",), "f", "rules[0]")
    with pytest.raises(CatalogueError, match="f: expected a mapping of keys, got list"):
        v.mapping([1], "f")


def test_value_filter_plain_values_only():
    assert v.value_filter({"a": [1, "x"], "b": True}, "f", "where") == {"a": (1, "x"), "b": (True,)}
    with pytest.raises(CatalogueError, match="key 'where.a': empty list"):
        v.value_filter({"a": []}, "f", "where")
    with pytest.raises(CatalogueError, match="key 'where.a': .* is not a plain value"):
        v.value_filter({"a": [{"b": 1}]}, "f", "where")


def test_text_list_and_boolean():
    assert v.text_list(None, "f", "k") == ()
    assert v.text_list("one", "f", "k", single=True) == ("one",)
    with pytest.raises(CatalogueError, match=r"key 'k\[1\]': expected text"):
        v.text_list(["a", 2], "f", "k")
    with pytest.raises(CatalogueError, match="expected true or false, got str 'yes'"):
        v.boolean("yes", "f", "k")


def test_bbox_must_look_like_sweref():
    assert v.bbox([650000, 7390000, 760000, 7420000], "f", "bbox") == (650000.0, 7390000.0, 760000.0, 7420000.0)
    with pytest.raises(CatalogueError, match="does not look like SWEREF 99 TM"):
        v.bbox([20.0, 66.0, 21.0, 67.0], "f", "bbox")
    with pytest.raises(CatalogueError, match="xmin < xmax"):
        v.bbox([760000, 7390000, 650000, 7420000], "f", "bbox")


def test_colour_normalised_to_hex():
    assert v.colour("darkgreen", "f", "color") == "#006400"
    with pytest.raises(CatalogueError, match="key 'color': 'nope' is not a colour"):
        v.colour("nope", "f", "color")
