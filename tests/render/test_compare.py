"""Written summary and difference map of a comparison (the scenario study of tests/conftest.py)."""

from __future__ import annotations

import pytest
import yaml

from jokkgeo.io.configs import read_catalogue, read_scenarios
from jokkgeo.present.comparison import comparison_document, comparison_summary, pane_titles, summary_text
from jokkgeo.render.web import render_html, web_map
from jokkgeo.study.scenario import prepare_studies
from jokkgeo.workflows.comparison import StudyRunner

NASTY = "<img src=x onerror=alert(1)> {{ 7*7 }}"


@pytest.fixture(scope="module")
def comparisons(scenario_study):
    root = scenario_study("toy_render")
    (root / "scenarios" / "nasty.yaml").write_text(yaml.safe_dump({
        "title": NASTY, "add_layers": [{"spec": "scenarios/layers/shortcut_layer.yaml", "append_to": "roads"}]}),
        encoding="utf-8")
    spec = yaml.safe_load((root / "scenarios" / "shortcut.yaml").read_text(encoding="utf-8"))["add_layers"][0]
    spec.pop("append_to")
    spec["title"] = NASTY
    (root / "scenarios" / "layers").mkdir()
    (root / "scenarios" / "layers" / "shortcut_layer.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    cat = read_catalogue(root / "layers")
    scenarios = read_scenarios(root / "scenarios", catalogue=cat)
    runner = StudyRunner(root=root, rules_path=root / "rules.yaml")
    out = {}
    for name in ("slow", "nasty", "no_power"):
        base, scen = prepare_studies(cat, scenarios, scenario=name)
        out[name] = runner.compare(base, scen)
    return out


def test_summary_has_the_numbers_in_swedish_and_english(comparisons):
    comp = comparisons["slow"]
    sv = summary_text(comp)
    en = summary_text(comp, language="en")
    # village v (default speed model: limit 60 -> 58 km/h average; a 30 limit is built-up: 0.9 * 30 = 27 km/h):
    # 12 km at 58 km/h = 12.4 min; with the middle 6 km at 27 km/h: 3.1 + 13.3 + 3.1 = 19.5 min
    assert "v når inte längre Site inom 15 min (12,4 → 19,5 min)" in sv
    assert "v no longer reaches Site within 15 min (12.4 → 19.5 min)" in en
    assert sv.startswith("Scenariojämförelse: Långsamt jämfört med Nuläge (basscenario)")
    # the 15-min area shrinks: a signed decimal-comma number in Swedish, a point in English
    area_sv = [ln for ln in sv.splitlines() if ln.startswith("- Site, ≤ 15 min")][0]
    assert "yta −" in area_sv and "," in area_sv.split("yta −")[1].split(" ")[0]
    assert "area −" in [ln for ln in en.splitlines() if ln.startswith("- Site, ≤ 15 min")][0]
    assert "samråd" in sv and "samråd" in en


def test_summary_of_removed_layer(comparisons):
    en = summary_text(comparisons["no_power"], language="en")
    assert "0 new (0), 1 removed, 0 changed" in en
    assert "removed: p – Toy sameby (reindeer_samebyar) (rule power_reindeer, major)" in en
    assert "0 new and 1 removed crossings." in en


def test_difference_map_groups_flags_and_escaping(comparisons):
    comp = comparisons["nasty"]
    doc = comparison_document(comp)
    groups = {lay.group for lay in doc.layers}
    assert groups <= {"Nuläge", "Scenario", "Skillnader"} and "Skillnader" in groups
    added = [lay for lay in doc.layers if lay.group == "Scenario" and lay.title == NASTY]
    assert added and added[0].illustrative
    html = render_html(web_map(doc))
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{ 7*7 }}" in html and ">49<" not in html  # kept literally, never evaluated as a template
    en = comparison_document(comp, language="en")
    assert {lay.group for lay in en.layers} <= {"Baseline", "Scenario", "Differences"}


def _pane_titles_in(html, pane):
    """Overlay titles registered on pane ``pane`` (from the jokkgeo.vector calls)."""
    import json
    import re

    dec = json.JSONDecoder()
    return [dec.raw_decode(html, m.end())[0]["title"]
            for m in re.finditer(rf"jokkgeo\.(?:vector|image)\(map_p{pane},", html)]


def test_side_by_side_page_two_synced_panes(comparisons):
    from jokkgeo.render.compare import comparison_html, comparison_panes

    comp = comparisons["nasty"]
    doc = comparison_document(comp)
    base, scen = comparison_panes(doc)
    # baseline pane: only the baseline group, its catchment bands switched on
    assert {lay.group for lay in base.layers} == {"Nuläge"}
    assert all(lay.show for lay in base.layers) and any(lay.id.startswith("catchments_baseline") for lay in base.layers)
    # scenario pane: scenario and differences, plus the same context (no baseline bands)
    assert {"Scenario", "Skillnader"} <= {lay.group for lay in scen.layers}
    assert not any(lay.id.startswith("catchments_baseline") for lay in scen.layers)
    html = comparison_html(doc, titles=pane_titles(comp))
    assert html.count('class="jg-pane-map folium-map"') == 2
    assert 'id="jokkgeo_p0"' in html and 'id="jokkgeo_p1"' in html
    assert "jokkgeo.sync([map_p0,map_p1]);" in html and "J.sync = function" in html
    left, right = _pane_titles_in(html, 0), _pane_titles_in(html, 1)
    assert sorted(left) == sorted(lay.title for lay in base.layers)
    assert sorted(right) == sorted(lay.title for lay in scen.layers)
    assert "Vunnen/förlorad restidsyta" in right and "Vunnen/förlorad restidsyta" not in left
    assert NASTY in right  # the added (nasty-titled) layer is on the scenario map, as JSON data
    # title strips, one shared legend and caveat box
    assert 'id="jg-pane-title-0" title="Nuläge (basscenario)">Nuläge (basscenario)<' in html
    assert html.count('class="jg-box jg-legend"') == 1 and html.count('class="jg-box jg-caveats"') == 1
    # escaped everywhere, offline, no template pass
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{ 7*7 }}" in html and ">49<" not in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "<script src" not in html
    assert comparison_html(comparison_document(comp), titles=pane_titles(comp)) == html  # deterministic


def test_side_by_side_page_in_english(comparisons):
    from jokkgeo.render.compare import comparison_html

    comp = comparisons["slow"]
    doc = comparison_document(comp, language="en")
    left, right = pane_titles(comp, "en")
    assert left.startswith("Baseline") and right.startswith("Scenario:") and right.endswith("with differences")
    html = comparison_html(doc, titles=(left, right))
    assert ">Legend<" in html and ">Caveats<" in html and "Teckenförklaring" not in html
    assert "Gained/lost catchment area" in "".join(_pane_titles_in(html, 1))


def test_shared_legend_lists_identical_layers_once(comparisons):
    from jokkgeo.render.compare import comparison_panes
    from jokkgeo.render.web import merge_documents

    base, scen = comparison_panes(comparison_document(comparisons["slow"]))
    shared = [lay for lay in base.layers if lay in scen.layers]  # context layers on both maps
    assert shared
    merged, keys = merge_documents([base, scen], title="t")
    assert len(merged.layers) == len(base.layers) + len(scen.layers) - len(shared)
    for lay in shared:
        k = keys[merged.layers.index(lay)]
        assert k == [f"p0l{base.layers.index(lay)}", f"p1l{scen.layers.index(lay)}"]


def test_two_panel_figure_shares_one_legend(comparisons):
    from jokkgeo.present.comparison import comparison_figure

    fig, axes = comparison_figure(comparisons["slow"])
    assert len(axes) == 2
    assert axes[0].get_xlim() == axes[1].get_xlim() and axes[0].get_ylim() == axes[1].get_ylim()
    assert axes[0].get_title(loc="left").startswith("Nuläge")
    assert axes[1].get_title(loc="left").startswith("Scenario: Långsamt")
    labels = [t.get_text() for t in fig.jokkgeo_legend.get_texts()]
    assert "Vunnen yta" in labels and "Förlorad yta" in labels
    # the difference layers are drawn on the scenario panel only
    assert len(axes[1].collections) > len(axes[0].collections)


def test_summary_notes_come_from_the_structure(comparisons):
    """The index-page notes are built from the summary's sections (was: parsed back out of its text)."""
    summary = comparison_summary(comparisons["no_power"], language="en")
    notes = summary.notes()
    assert notes[0] == summary.title and summary.text().startswith(summary.title + "\n")
    results = [s for s in summary.sections if s.kind != "caveats" and s.points]
    assert len(notes) == 1 + len(results)
    assert all(n.startswith(s.head + ": ") for n, s in zip(notes[1:], results, strict=True))
    assert all(f"{s.head}:" in summary.text() and f"- {s.points[0]}" in summary.text() for s in results)
    assert summary.caveats and all(c not in " ".join(notes) for c in summary.caveats)
