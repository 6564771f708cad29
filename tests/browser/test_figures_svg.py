"""Every default figure, as SVG at column width, measured in headless Chromium (issue 15).

The recipes of the default study (``maps/*.yaml`` on ``layers/``) are run as the report
runs them and each figure is written as SVG at its recipe's target width (160 mm). Chromium
lays the SVG out with its own text engine, and the test measures every ``<text>`` element:

- no text is smaller than 7 pt at the target width (font size × the element's scale in the
  SVG's user units, which are points at the target size: ``viewBox`` width = 160 mm in pt);
- the boxes of the map labels (``<g id="jokkgeo-label-<map>-<n>">``) do not overlap each other;
- no map label box crosses its map frame (``<g id="jokkgeo-frame-<map>">``).

Skips when Chromium or playwright is missing, except when ``CI`` is set (then it fails).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

MEASURE = """() => {
  const svg = document.querySelector('svg');
  const rect = r => { const b = r.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const frames = {};
  document.querySelectorAll('g[id^="jokkgeo-frame-"]').forEach(g => { frames[g.id.split('-').pop()] = rect(g); });
  const labels = [];
  document.querySelectorAll('g[id^="jokkgeo-label-"]').forEach(g => {
    const t = g.querySelector('text');
    if (t) labels.push({id: g.id, map: g.id.split('-')[2], text: t.textContent, box: rect(t)});
  });
  // getCTM maps to screen pixels; divide by screen pixels per user unit (user units are points)
  const vb = svg.viewBox.baseVal;
  const scale = svg.getBoundingClientRect().width / vb.width;
  const texts = [];
  document.querySelectorAll('text').forEach(t => {
    if (!t.textContent.trim()) return;
    const m = t.getCTM();
    const size = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(m.a * m.a + m.b * m.b) / scale;
    texts.push({text: t.textContent, pt: size});
  });
  return {frames, labels, texts, viewbox_width: vb.width, scale};
}"""


@pytest.fixture(scope="module")
def default_runs():
    """The default study's recipe runs (documents), as the report makes them."""
    from jokkgeo.io.configs import read_catalogue, read_recipes
    from jokkgeo.report.runners import RECIPE_TYPES, RecipeContext, run_recipe
    from jokkgeo.settings import Settings
    from jokkgeo.study.store import LayerStore

    settings = Settings(project_root=ROOT)
    catalogue = read_catalogue(settings.catalog_dir, root=ROOT)
    recipes = read_recipes(ROOT / "maps", layer_ids=list(catalogue), known_types=RECIPE_TYPES)
    store = LayerStore(catalogue, language="sv")
    ctx = RecipeContext(settings=settings, store=store)
    locator = store.layer("boundary") if "boundary" in catalogue else None
    return [(run_recipe(r, ctx), locator) for r in recipes]


@pytest.fixture(scope="module")
def svgs(default_runs, tmp_path_factory):
    from jokkgeo.render.compare import comparison_figure_of
    from jokkgeo.render.static import figure_bytes, static_figure

    out = tmp_path_factory.mktemp("figures")
    paths = {}
    for run, locator in default_runs:
        titles = next((o.parameters["pane_titles"] for _s, o in run.outputs if "pane_titles" in o.parameters), None)
        spec = run.recipe.figure
        if titles is not None:
            fig, _ = comparison_figure_of(run.document, titles=titles, figure=spec, locator=locator)
        else:
            fig, _ = static_figure(run.document, figure=spec, locator=locator)
        path = out / f"{run.recipe.id}.svg"
        path.write_bytes(figure_bytes(fig, "svg"))
        paths[run.recipe.id] = (path, spec)
    return paths


@pytest.fixture(scope="module")
def measured(browser, svgs):
    results = {}
    page = browser.new_page(viewport={"width": 1000, "height": 1000})
    for rid, (path, spec) in svgs.items():
        page.goto(path.resolve().as_uri())
        results[rid] = (page.evaluate(MEASURE), spec)
    page.close()
    return results


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_every_default_recipe_is_measured(measured):
    ids = {p.stem for p in (ROOT / "maps").glob("*.yaml")}
    assert set(measured) == ids
    for rid, (m, _spec) in measured.items():
        assert m["labels"], f"{rid}: no map labels drawn"


def test_target_width_and_no_text_below_7_pt(measured):
    for rid, (m, spec) in measured.items():
        # SVG user units are points at the printed size: the figure is as wide as its target
        assert m["viewbox_width"] == pytest.approx(spec.width_mm / 25.4 * 72, abs=0.05), rid
        small = [(t["text"], round(t["pt"], 2)) for t in m["texts"] if t["pt"] < 7.0 - 1e-3]
        assert not small, f"{rid}: text below 7 pt: {small[:5]}"


def test_map_labels_do_not_overlap(measured):
    for rid, (m, _spec) in measured.items():
        labels = m["labels"]
        clashes = [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1:]
                   if a["map"] == b["map"] and _overlap(a["box"], b["box"])]
        assert not clashes, f"{rid}: overlapping labels {clashes[:5]}"


def test_map_labels_stay_inside_their_frame(measured):
    for rid, (m, _spec) in measured.items():
        for lab in m["labels"]:
            f, b = m["frames"][lab["map"]], lab["box"]
            assert f[0] <= b[0] and b[2] <= f[2] and f[1] <= b[1] and b[3] <= f[3], \
                f"{rid}: label {lab['text']!r} crosses the map frame ({b} not in {f})"


# ---- colour-blind safety of the class ramps drawn on the default figures -------------------------

RAMP_LAYERS = ("catchment_bands", "catchments_", "conflicts_", "diff_", "screening", "reindeer_samebyar")
"""Layers whose classes must stay apart for a deuteranope (bands, severity, gain/loss, samebyar)."""


def test_class_ramps_survive_deuteranopia(default_runs):
    """Neighbouring classes of every ramp differ by ΔE00 >= palettes.MIN_DELTA_E after simulation.

    Measure: CIEDE2000 between neighbouring class colours after the Machado et al. (2009)
    deuteranopia simulation (``jokkgeo.render.palettes``, shared with the web maps' test);
    unordered classes (samebyar) compare every pair.
    """
    palettes = pytest.importorskip("jokkgeo.render.palettes")
    bad = []
    for run, _loc in default_runs:
        for lay in run.document.layers:
            if not lay.id.startswith(RAMP_LAYERS):
                continue
            style = lay.style
            if style.graduated is not None:
                colours = list(dict.fromkeys(style.graduated.colors))
                score = palettes.min_neighbour_delta_e(colours)
            elif style.categorical is not None:
                colours = [c.color for c in style.categorical.classes]
                score = palettes.min_neighbour_delta_e(colours, all_pairs=lay.id == "reindeer_samebyar")
            else:
                continue
            if len(colours) > 1 and score < palettes.MIN_DELTA_E:
                bad.append((run.recipe.id, lay.id, colours, round(float(score), 1)))
    assert not bad, f"class ramps that merge for a deuteranope: {bad}"
