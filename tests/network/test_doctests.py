"""The examples in the docstrings of the network and catchment modules run and are right."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    ["jokkgeo.network.speeds", "jokkgeo.network.profiles", "jokkgeo.network.graph", "jokkgeo.network.routing",
     "jokkgeo.analysis.catchments", "jokkgeo.analysis.accessibility"],
)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0
