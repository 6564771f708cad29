"""Generated maps in headless Chromium: offline, no JS errors, layers, legend, escaping, not blank.

Skips when Chromium or playwright is missing, except when ``CI`` is set (then it fails).
Uses Debian's ``/usr/bin/chromium`` (never ``playwright install``).
"""

import io
from pathlib import Path

import numpy as np
import pytest

INJECTIONS = ("{{ 7*7 }}", "<img src=x onerror=alert(1)>", "<script>window.__pwned=1</script>")
"""The attribute values of the toy project (tests/conftest.py) that try injection."""

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def bundle(project_factory):
    from jokkgeo.report import build_report
    from jokkgeo.settings import Settings

    root = project_factory("proj")
    manifest = build_report(root / "out", settings=Settings(project_root=root), figures=False)
    return root / "out", manifest


def _open(browser, path):
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    external, errors, dialogs = [], [], []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:")):
            r.continue_()
        else:
            external.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_function("() => window.jokkgeo && Object.values(window.jokkgeo.maps).every(s => s.ready)",
                           timeout=20_000)
    return page, external, errors, dialogs


def _state(page):
    return page.evaluate("""() => {
        const s = Object.values(jokkgeo.maps)[0];
        let onMap = 0;
        s.overlays.forEach(o => { if (s.map.hasLayer(o.layer)) onMap++; });
        return {overlays: s.overlays.map(o => o.title), onMap: onMap,
                legendRows: document.querySelectorAll('#jg-legend .jg-row').length,
                legendVisible: !!document.querySelector('#jg-legend') &&
                               document.querySelector('#jg-legend').offsetParent !== null,
                caveat: document.querySelector('#jg-caveats').innerText,
                pwned: window.__pwned === 1};
    }""")


def test_every_generated_map_loads_offline(browser, bundle):
    out, manifest = bundle
    from PIL import Image

    for rec in manifest["recipes"]:
        page, external, errors, dialogs = _open(browser, out / rec["map"])
        state = _state(page)
        assert external == [], f"{rec['map']} requested {external}"
        assert errors == [] and dialogs == [], f"{rec['map']}: {errors} {dialogs}"
        assert len(state["overlays"]) == len(rec["layers"])
        assert state["onMap"] == len(rec["layers"])  # every toy layer is shown when the map opens
        assert state["legendVisible"] and state["legendRows"] >= len(rec["layers"])
        png = Image.open(io.BytesIO(page.screenshot()))
        arr = np.asarray(png.convert("L"), dtype=float)
        assert arr.std() > 10, "screenshot looks blank"
        # some pixels carry layer colours, not just the background and the boxes
        assert len(np.unique(np.asarray(png.convert("RGB")).reshape(-1, 3), axis=0)) > 50
        page.close()


def test_injected_values_are_text_and_do_not_run(browser, bundle):
    out, manifest = bundle
    page, external, errors, dialogs = _open(browser, out / "maps" / "overview.html")
    # open every popup of the settlements layer and collect what the planner sees
    shown = page.evaluate("""() => {
        const s = Object.values(jokkgeo.maps)[0];
        const o = s.overlays.find(o => o.title === 'Orter');
        const texts = [], tips = [];
        o.layer.eachLayer(l => {
            l.openPopup();
            texts.push(l.getPopup().getElement().querySelector('.leaflet-popup-content').innerText);
            l.closePopup();
            l.openTooltip();
            tips.push(l.getTooltip().getElement().innerText);
            l.closeTooltip();
        });
        return {texts, tips, imgs: document.querySelectorAll('.leaflet-popup-content img, #jg-legend img').length};
    }""")
    joined = "\n".join(shown["texts"])
    for value in INJECTIONS:
        assert value in joined  # shown literally, as text
    assert "49" not in joined  # {{ 7*7 }} was not evaluated
    assert "<b>Typ</b>" in joined  # the field name is text too
    for value in INJECTIONS:
        assert value in shown["tips"]  # tooltips show the raw value as text
    assert shown["imgs"] == 0
    assert _state(page)["pwned"] is False
    assert dialogs == [] and errors == [] and external == []
    page.close()


def test_toggling_a_layer_hides_its_legend(browser, bundle):
    out, _ = bundle
    page, *_ = _open(browser, out / "maps" / "overview.html")
    box = page.locator('input[data-jg-overlay="l0"]')
    assert not box.is_visible()  # the layer control opens from its button
    page.locator(".jg-toggle").click()
    assert box.is_checked()
    box.uncheck()
    hidden = page.evaluate("() => document.querySelector('[data-jg-layer=\"l0\"]').style.display")
    assert hidden == "none"
    on_map = page.evaluate("() => { const s = Object.values(jokkgeo.maps)[0]; "
                           "return s.map.hasLayer(s.overlays.find(o => o.id === 'l0').layer); }")
    assert on_map is False
    page.close()


def test_default_report_maps(browser, tmp_path):
    """The maps of the default study (embedded data): offline, no errors, under 5 MB."""
    from jokkgeo.report import build_report
    from jokkgeo.settings import Settings

    root = Path(__file__).resolve().parents[2]
    if not (root / "maps").is_dir() or not (root / "layers").is_dir():
        pytest.skip("default study not present")
    manifest = build_report(tmp_path / "rep", settings=Settings(project_root=root), figures=False)
    for rec in manifest["recipes"]:
        path = tmp_path / "rep" / rec["map"]
        assert path.stat().st_size < 5_000_000
        page, external, errors, dialogs = _open(browser, path)
        assert external == [] and errors == [] and dialogs == [], rec["map"]
        # a comparison page has two synced maps sharing the context layers: count each layer once
        titles = page.evaluate("() => Object.values(jokkgeo.maps).flatMap(s => s.overlays.map(o => o.title))")
        assert len(set(titles)) == len(rec["layers"]), rec["map"]
        page.close()


@pytest.fixture(scope="module")
def compare_page(scenario_study, tmp_path_factory):
    """The side-by-side comparison page of the toy scenario study (tests/conftest.py)."""
    from jokkgeo.io.configs import read_catalogue, read_scenarios
    from jokkgeo.present.comparison import comparison_document, pane_titles
    from jokkgeo.render.compare import comparison_html, comparison_panes
    from jokkgeo.study.scenario import prepare_studies
    from jokkgeo.workflows.comparison import StudyRunner

    root = scenario_study("toy_compare")
    cat = read_catalogue(root / "layers")
    base, scen = prepare_studies(cat, read_scenarios(root / "scenarios", catalogue=cat), scenario="slow")
    comp = StudyRunner(root=root, rules_path=root / "rules.yaml").compare(base, scen)
    doc = comparison_document(comp)
    path = tmp_path_factory.mktemp("cmp") / "compare.html"
    path.write_text(comparison_html(doc, titles=pane_titles(comp)), encoding="utf-8")
    return path, [[lay.title for lay in d.layers] for d in comparison_panes(doc)]


def test_compare_page_side_by_side_and_synced(browser, compare_page):
    path, expected = compare_page
    page, external, errors, dialogs = _open(browser, path)
    assert external == [] and errors == [] and dialogs == []
    panes = page.evaluate("""() => ['jokkgeo_p0', 'jokkgeo_p1'].map(id => {
        const s = jokkgeo.maps[id];
        return {titles: s.overlays.map(o => o.title),
                onMap: s.overlays.filter(o => s.map.hasLayer(o.layer)).length,
                width: s.map.getContainer().clientWidth, left: s.map.getContainer().getBoundingClientRect().left};
    })""")
    for pane, titles in zip(panes, expected, strict=False):
        assert sorted(pane["titles"]) == sorted(titles)
        assert pane["onMap"] == len(titles)  # every layer of each pane is shown when the page opens
        assert pane["width"] > 300
    assert panes[0]["left"] < panes[1]["left"]  # side by side, baseline on the left
    assert "Vunnen/förlorad restidsyta" in panes[1]["titles"] and "Vunnen/förlorad restidsyta" not in panes[0]["titles"]
    view = "() => ['jokkgeo_p0','jokkgeo_p1'].map(id => { const m = jokkgeo.maps[id].map; " \
           "const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; })"
    before = page.evaluate(view)
    assert before[0] == pytest.approx(before[1], abs=1e-9)  # both open on the same view
    # drag the left map with the mouse: the right map follows
    box = page.locator("#jokkgeo_p0").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y + 80, steps=8)
    page.mouse.up()
    page.wait_for_timeout(300)
    after = page.evaluate(view)
    assert after[0][1] > before[0][1] + 1e-3 and after[0][0] > before[0][0] + 1e-3, (before, after)  # east, north
    # same view up to Leaflet's whole-pixel rounding (1 px is about 0.003 degrees at zoom 9; the drag was 150 px)
    assert after[1] == pytest.approx(after[0], abs=5e-3)
    # zooming the right map zooms the left one (the echo does not bounce back)
    page.evaluate("() => jokkgeo.maps['jokkgeo_p1'].map.setZoom(jokkgeo.maps['jokkgeo_p1'].map.getZoom() + 1, "
                  "{animate: false})")
    page.wait_for_timeout(300)
    zoomed = page.evaluate(view)
    assert zoomed[0][2] == after[0][2] + 1 and zoomed[1] == pytest.approx(zoomed[0], abs=5e-3)
    # the shared legend hides a section only when the layer is off on every pane that shows it
    shared = page.evaluate("""() => [...document.querySelectorAll('#jg-legend [data-jg-layer]')]
        .map(n => n.getAttribute('data-jg-layer')).find(k => k.split(' ').length === 2)""")
    assert shared is not None
    k0, k1 = shared.split(" ")
    toggles = page.locator(".jg-toggle")
    toggles.nth(0).click()
    toggles.nth(1).click()
    sel = f'#jg-legend [data-jg-layer="{shared}"]'
    page.locator(f'input[data-jg-overlay="{k0}"]').uncheck()
    assert page.evaluate(f"() => document.querySelector('{sel}').style.display") == ""
    page.locator(f'input[data-jg-overlay="{k1}"]').uncheck()
    assert page.evaluate(f"() => document.querySelector('{sel}').style.display") == "none"
    assert errors == [] and external == []
    page.close()
