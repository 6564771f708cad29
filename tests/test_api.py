"""The documented library calls are re-exported from ``jokkgeo`` (osmnx style), lazily."""

from __future__ import annotations

import subprocess
import sys

import jokkgeo


def test_every_export_resolves_to_the_library_function():
    from jokkgeo.analysis.catchments import catchments
    from jokkgeo.report import build_report

    for name in jokkgeo.__all__:
        assert getattr(jokkgeo, name) is not None, name
    assert jokkgeo.catchments is catchments and jokkgeo.build_report is build_report


def test_import_is_lazy():
    code = "import sys, jokkgeo; print('geopandas' in sys.modules, 'jokkgeo.analysis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
