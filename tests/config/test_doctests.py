"""The examples in the docstrings of the config layer (and its readers) run and are right."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    ["jokkgeo.config._validate", "jokkgeo.config._yaml", "jokkgeo.config.layers", "jokkgeo.config.recipes",
     "jokkgeo.config.rules", "jokkgeo.config.scenarios", "jokkgeo.config.seasons", "jokkgeo.config.styles",
     "jokkgeo.io.paths", "jokkgeo.io.yamlfile", "jokkgeo.io.configs"],
)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0
