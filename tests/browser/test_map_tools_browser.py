"""Map tools and geographic context in headless Chromium, network blocked (default study).

Opens the overview, the influence map (a raster) and a side-by-side comparison of the default
study's report: the context layers and place labels are there, every tool is present and works,
nothing is fetched and nothing fails; a tile background that cannot load switches itself off.
Skips like tests/browser/test_maps_browser.py when Chromium or playwright is missing.
"""

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ("overview", "reindeer_influence", "compare_housing")
NETWORK_LOG = re.compile(r"^Failed to load resource: net::ERR_")
"""Chromium's own log line for a request that failed (not a script error)."""


@pytest.fixture(scope="module")
def maps(tmp_path_factory):
    from jokkgeo.report import build_report
    from jokkgeo.settings import Settings

    tmp = tmp_path_factory.mktemp("tools")
    recipes = tmp / "maps"
    recipes.mkdir()
    for rid in RECIPES:
        shutil.copy(ROOT / "maps" / f"{rid}.yaml", recipes / f"{rid}.yaml")
    build_report(tmp / "out", settings=Settings(project_root=ROOT), recipes_dir=recipes, figures=False)
    return tmp / "out" / "maps"


def _open(browser, path, *, hash_="", size=(1366, 768)):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    log = {"external": [], "console": [], "page": []}

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            log["external"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: log["page"].append(str(e)))
    page.on("console", lambda m: log["console"].append(m.text) if m.type == "error" else None)
    page.goto(Path(path).resolve().as_uri() + hash_)
    page.wait_for_function("() => window.jokkgeo && Object.values(window.jokkgeo.maps).every(s => s.ready)",
                           timeout=30_000)
    return page, log


@pytest.mark.parametrize("rid", RECIPES)
def test_context_labels_and_tools_present_without_errors(browser, maps, rid):
    page, log = _open(browser, maps / f"{rid}.html")
    page.wait_for_timeout(300)
    info = page.evaluate("""() => Object.values(jokkgeo.maps).map(st => ({
        context: st.context.map(c => [c.id, st.map.hasLayer(c.layer)]),
        canvas: !!st.map.getPane('jg-context').querySelector('canvas'),
        labels: Array.from(st.map.getContainer().querySelectorAll('.jg-label')).map(e => e.textContent),
        tools: Array.from(st.map.getContainer().querySelectorAll('.jg-tool')).map(e => e.className.split(' ')[1]),
        coords: (st.map.getContainer().querySelector('.jg-coords') || {}).textContent || '',
        scale: !!st.map.getContainer().querySelector('.leaflet-control-scale'),
        minimap: !!st.map.getContainer().querySelector('.jg-minimap .leaflet-pane'),
    }))""")
    assert log == {"external": [], "console": [], "page": []}
    for pane in info:
        assert [c[0][-2:] for c in pane["context"]][:3] == ["c0", "c1", "c2"] and pane["context"][-1][0] == "labels"
        assert all(on for _, on in pane["context"]) and pane["canvas"]
        assert "Jokkmokk / Jåhkåmåhkke" in pane["labels"] and "Luleå / Julevu" in pane["labels"]
        assert {"jg-tool-fullscreen", "jg-tool-search", "jg-tool-measure", "jg-tool-print"} <= set(pane["tools"])
        assert pane["coords"].startswith("SWEREF 99 TM") and pane["scale"]
    if len(info) == 1:
        assert {"jg-tool-minimap", "jg-tool-link"} <= set(info[0]["tools"]) and info[0]["minimap"]
    else:  # side by side: one link (the first pane), no overview maps
        assert ["jg-tool-link" in p["tools"] for p in info] == [True, False]


def test_unreachable_tiles_switch_themselves_off(browser, maps):
    page, log = _open(browser, maps / "overview.html")
    page.click(".jg-toggle")
    page.click("input[data-jg-base=osm]")  # not check(): the failed tiles may switch it back at once
    page.wait_for_selector(".jg-tile-note", timeout=10_000)
    state = page.evaluate("""() => { const st = Object.values(jokkgeo.maps)[0];
        st.map.setZoom(st.map.getZoom() + 1, {animate: false});
        return [document.querySelector('input[data-jg-base=none]').checked,
                document.querySelector('input[data-jg-base=osm]').disabled,
                st.map.getZoom() > 0]; }""")
    assert state == [True, True, True]
    assert log["external"] and all("tile.openstreetmap.org" in u for u in log["external"])
    assert log["page"] == []
    # only Chromium's own network lines for the blocked tiles, no script error
    assert all(NETWORK_LOG.match(m) for m in log["console"]), log["console"]


def test_coordinate_formula_in_the_page_matches_pyproj(browser, maps):
    from pyproj import Transformer

    page, _ = _open(browser, maps / "overview.html")
    pts = [[66.6066, 19.8229], [65.5848, 22.1547], [67.855, 20.225], [55.6, 13.0]]
    got = np.array(page.evaluate("pts => pts.map(p => jokkgeo.tm.forward(p[0], p[1]))", pts))
    east, north = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(
        [p[1] for p in pts], [p[0] for p in pts])
    assert np.abs(got[:, 0] - east).max() < 0.001 and np.abs(got[:, 1] - north).max() < 0.001


def test_measure_distance_and_area(browser, maps):
    from pyproj import Transformer

    page, log = _open(browser, maps / "overview.html")
    # a 10 km x 10 km square in SWEREF 99 TM: perimeter 40 km, area 100 km²
    to_ll = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    lons, lats = to_ll.transform([700_000, 710_000, 710_000, 700_000], [7_400_000, 7_400_000, 7_410_000, 7_410_000])
    page.click(".jg-tool-measure")
    measure = """pts => { const map = Object.values(jokkgeo.maps)[0].map;
        pts.forEach(p => map.fire(p[2] || 'click', {latlng: L.latLng(p[0], p[1]), originalEvent: {}}));
        return document.querySelector('.jg-measure-out').textContent; }"""
    corners = [[la, lo] for la, lo in zip(lats, lons, strict=True)]
    # a line: three corners, finished by a double-click (its two clicks repeat the last point)
    line = [*corners[:3], corners[2], [*corners[2], "dblclick"]]
    assert page.evaluate(measure, line) == "Avstånd: 20 km"
    # an area: the four corners, closed by clicking the first one again (the next click starts anew)
    assert page.evaluate(measure, [*corners, corners[0]]) == "Avstånd: 40 km \u2014 Area: 100 km\u00b2"
    assert log["page"] == [] and log["console"] == []


def test_search_finds_a_place_and_goes_there(browser, maps):
    page, log = _open(browser, maps / "overview.html")
    page.click(".jg-tool-search")
    page.fill(".jg-search-input", "jåhkåmåhkke")
    hits = page.locator(".jg-search-hit")
    assert hits.all_text_contents() == ["Jokkmokk / Jåhkåmåhkke"]  # the place label (features are named in Swedish)
    hits.first.click()
    page.wait_for_timeout(800)  # the zoom animation
    centre = page.evaluate("() => { const c = Object.values(jokkgeo.maps)[0].map.getCenter(); return [c.lat, c.lng]; }")
    assert abs(centre[0] - 66.61) < 0.05 and abs(centre[1] - 19.83) < 0.1
    assert log["page"] == [] and log["console"] == []


def test_link_restores_the_view(browser, maps):
    page, log = _open(browser, maps / "overview.html", hash_="#10/66.61000/19.82000")
    view = page.evaluate("() => { const m = Object.values(jokkgeo.maps)[0].map; const c = m.getCenter();"
                         " return [m.getZoom(), c.lat, c.lng]; }")
    assert view[0] == 10 and abs(view[1] - 66.61) < 1e-3 and abs(view[2] - 19.82) < 1e-3
    page.evaluate("() => { Object.values(jokkgeo.maps)[0].map.setView([66.7, 19.9], 9, {animate: false}); }")
    assert page.evaluate("() => location.hash") == "#9/66.70000/19.90000"
    assert log["page"] == [] and log["console"] == []


def test_raster_answers_a_click_with_its_value(browser, maps):
    page, log = _open(browser, maps / "reindeer_influence.html")
    text = page.evaluate("""() => { const st = Object.values(jokkgeo.maps)[0];
        st.map.fire('click', {latlng: L.latLng(66.61, 19.83), originalEvent: {}});
        const p = document.querySelector('.leaflet-popup-content'); return p ? p.textContent : ''; }""")
    assert "Värde" in text and re.search(r"Värde(\d+(,\d+)?|inget värde här)", text)
    assert "cell om" in text
    assert log["page"] == [] and log["console"] == []


def test_search_shows_injected_names_as_text(browser, project_factory):
    """The toy project's names try injection (tests/conftest.py): search lists them as plain text."""
    from jokkgeo.report import build_report
    from jokkgeo.settings import Settings

    root = project_factory("tools_toy")
    build_report(root / "out", settings=Settings(project_root=root), figures=False)
    page, log = _open(browser, sorted((root / "out" / "maps").glob("*.html"))[0])
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.click(".jg-tool-search")
    page.fill(".jg-search-input", "img")
    page.wait_for_timeout(200)
    texts = page.locator(".jg-search-hit").all_text_contents()
    assert any("<img src=x onerror=alert(1)>" in t for t in texts), texts
    assert page.locator(".jg-search-list img").count() == 0
    page.fill(".jg-search-input", "script")
    page.locator(".jg-search-hit").first.click()
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned === undefined") and dialogs == []
    assert log["page"] == [] and log["console"] == [] and log["external"] == []
