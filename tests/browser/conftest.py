"""Headless Chromium for the browser tests (Debian's ``chromium``; ``JOKKGEO_CHROMIUM`` overrides).

Without Chromium or playwright the tests skip, except under CI (``CI`` set), where they fail:
``.ci/run`` installs Chromium first.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("JOKKGEO_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_browser() -> None:
    """Skip (fail under CI) when playwright or Chromium is missing."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the playwright package is not installed"
    if problem is None and not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        problem = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run in CI: {problem}")
        pytest.skip(problem)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
