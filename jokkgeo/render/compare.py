"""Scenario comparisons for people: the written summary and the difference map.

:func:`jokkgeo.present.comparison.summary_text` writes a short summary with the numbers of a
:class:`~jokkgeo.workflows.comparison.Comparison` (Swedish by default, English with
``language="en"``). :func:`comparison_document` builds the
:class:`~jokkgeo.render.document.MapDocument` that both renderers draw: one map
with three layer groups — *Nuläge/Baseline*, *Scenario* and *Skillnader/Differences*
(gained and lost catchment areas, new/removed/changed conflicts, new/removed
migration-route crossings). :func:`comparison_panes` splits it into a baseline pane and a
scenario-with-differences pane, drawn side by side by :func:`comparison_html` (two
synchronised Leaflet maps in one self-contained offline page with escaped values,
:func:`jokkgeo.render.web.synced_maps_html`) and :func:`comparison_figure_of` (two
panels sharing one legend, :func:`jokkgeo.render.static.panel_figure`), so the page and
the print figure show the same thing. The single document still feeds the generic
renderers (e.g. the ``compare`` recipe type of ``jokkgeo report``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from jokkgeo import i18n
from jokkgeo.render.document import MapDocument, MapLayer, layer_from_spec, text
from jokkgeo.render.styles import (
    Categorical,
    CategoryClass,
    LayerStyle,
    band_style,
)

SEVERITY_WORDS = {
    "sv": {"major": "stor", "moderate": "måttlig", "minor": "liten"},
    "en": {"major": "major", "moderate": "moderate", "minor": "minor"},
}
MAX_ROWS = 6

_T = {
    "sv": {
        "head": "Scenariojämförelse: {scen} jämfört med {base}",
        "changes": "Ändringar i scenariot",
        "no_longer": "inte längre:",
        "season": "årstid {season}",
        "params": "analysparametrar: {params}",
        "added": "lager tillagt",
        "appended": "tillägg i lagret",
        "filtered": "lagret filtrerat",
        "roads_changed": "vägar ändrade",
        "removed": "lager borttaget",
        "catch": "Restidsområden per arbetsplats (ungefärliga)",
        "catch_none": "Inga förändringar av restidsområdenas yta, befolkning, bostäder eller bostadsmark.",
        "catch_row": "{site}, ≤ {m} min: yta {da} km² ({a0} → {a1} km²); befolkning {dp}; bostäder {dd}; bostadsmark {dh} ha",
        "access": "Orter och bostadsområden som får eller förlorar tillgång inom ett restidsband",
        "access_none": "Ingen ort eller inget bostadsområde byter restidsband.",
        "access_count": "{gained} får och {lost} förlorar tillgång (räknat per plats, arbetsplats och band).",
        "gained_row": "{place} når {site} inom {m} min ({t0} → {t1} min)",
        "lost_row": "{place} når inte längre {site} inom {m} min ({t0} → {t1} min)",
        "unreachable": "nås ej",
        "new_place": "ny plats",
        "removed_place": "borttagen plats",
        "conf": "Markanvändningskonflikter",
        "conf_none": "Inga nya, borttagna eller ändrade konflikter.",
        "conf_count": "{new} nya ({sev}), {removed} borttagna, {changed} ändrade (räknat per regel och objektpar).",
        "conf_new": "ny: {dev} – {sens} (regel {rule}, {severity})",
        "conf_removed": "borttagen: {dev} – {sens} (regel {rule}, {severity})",
        "conf_changed": "ändrad: {dev} – {sens} (regel {rule}): {s0} → {s1}",
        "same": "Samebyar: påverkad andel (sammanvägd påverkan ≥ {level}) och linjär infrastrukturtäthet",
        "same_none": "Ingen förändring av påverkad andel eller infrastrukturtäthet i någon sameby.",
        "same_row": "{sameby}: påverkad andel {a0} % → {a1} % ({da} procentenheter); täthet {d0} → {d1} km/km²",
        "cross": "Korsningar av flyttleder",
        "cross_none": "Inga nya eller borttagna korsningar av flyttleder.",
        "cross_count": "{new} nya och {removed} borttagna korsningar.",
        "cross_row": "{status}: {route} korsas av {infra}",
        "new": "ny",
        "removed_word": "borttagen",
        "nothing": "Scenariot ger inga skillnader alls mot jämförelsealternativet.",
        "caveats": "Förbehåll",
        "approx": "Restider, zoner och ytor är ungefärliga modellresultat.",
        "more": "… och {n} till (se tabellen {table}).",
    },
    "en": {
        "head": "Scenario comparison: {scen} against {base}",
        "changes": "Changes in the scenario",
        "no_longer": "no longer:",
        "season": "season {season}",
        "params": "analysis parameters: {params}",
        "added": "layer added",
        "appended": "features added to layer",
        "filtered": "layer filtered",
        "roads_changed": "roads changed",
        "removed": "layer removed",
        "catch": "Travel-time catchments per workplace (approximate)",
        "catch_none": "No change in catchment area, population, dwellings or housing land.",
        "catch_row": "{site}, ≤ {m} min: area {da} km² ({a0} → {a1} km²); population {dp}; dwellings {dd}; housing land {dh} ha",
        "access": "Places and housing areas that gain or lose access within a travel-time band",
        "access_none": "No place or housing area changes travel-time band.",
        "access_count": "{gained} gain and {lost} lose access (counted per place, workplace and band).",
        "gained_row": "{place} reaches {site} within {m} min ({t0} → {t1} min)",
        "lost_row": "{place} no longer reaches {site} within {m} min ({t0} → {t1} min)",
        "unreachable": "unreachable",
        "new_place": "new place",
        "removed_place": "removed place",
        "conf": "Land-use conflicts",
        "conf_none": "No new, removed or changed conflicts.",
        "conf_count": "{new} new ({sev}), {removed} removed, {changed} changed (counted per rule and feature pair).",
        "conf_new": "new: {dev} – {sens} (rule {rule}, {severity})",
        "conf_removed": "removed: {dev} – {sens} (rule {rule}, {severity})",
        "conf_changed": "changed: {dev} – {sens} (rule {rule}): {s0} → {s1}",
        "same": "Samebyar: influenced share (combined influence ≥ {level}) and linear-infrastructure density",
        "same_none": "No change in influenced share or infrastructure density in any sameby.",
        "same_row": "{sameby}: influenced share {a0} % → {a1} % ({da} percentage points); density {d0} → {d1} km/km²",
        "cross": "Migration-route crossings",
        "cross_none": "No new or removed migration-route crossings.",
        "cross_count": "{new} new and {removed} removed crossings.",
        "cross_row": "{status}: {route} crossed by {infra}",
        "new": "new",
        "removed_word": "removed",
        "nothing": "The scenario gives no differences at all from the comparison case.",
        "caveats": "Caveats",
        "approx": "Travel times, zones and areas are approximate model results.",
        "more": "… and {n} more (see table {table}).",
    },
}


def _lang(language: str) -> str:
    return "en" if language == "en" else "sv"


def _num(value: float, language: str, *, digits: int = 1, signed: bool = False) -> str:
    """Number with up to ``digits`` decimals, grouped thousands, decimal comma in Swedish."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    v = round(float(value), digits)
    if v == 0:
        v = 0.0
    out = f"{v:,.{digits}f}"
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    out = out.replace(",", "\u00a0")
    if _lang(language) == "sv":
        out = out.replace(".", ",")
    if signed and v > 0:
        out = "+" + out
    elif signed and v < 0:
        out = "−" + out.lstrip("-")
    return out


def _minutes(value: float, band: float, language: str) -> str:
    """Minutes with one decimal, or two when one decimal would round onto the band limit."""
    one = round(float(value), 1)
    return _num(value, language, digits=2 if one == float(band) and float(value) != float(band) else 1)


def site_names(comp: Any) -> dict[str, str]:
    """``site_id -> name`` from the studies' site layers (ids where no name is known)."""
    names: dict[str, str] = {}
    for res in (comp.baseline, comp.scenario):
        study = res.study
        lid = study.parameters.get("catchments", {}).get("site_layer", "investment_sites")
        if lid in study:
            gdf = study.layer(lid)
            if "site_id" in gdf.columns and "name" in gdf.columns:
                names.update(zip(gdf["site_id"].astype(str), gdf["name"].astype(str)))
    return names


def _label(study: Any, language: str) -> str:
    return study.scenario.label(language)


_GROUPS = {"sv": ("Nuläge", "Scenario", "Skillnader"), "en": ("Baseline", "Scenario", "Differences")}


def _status_style(kind: str, *, title: str, language: str, field: str, values: Sequence[tuple[str, str, str, str]]) -> LayerStyle:
    lang = _lang(language)
    classes = tuple(CategoryClass(value=v, color=c, label=sv if lang == "sv" else en) for v, c, sv, en in values)
    return LayerStyle(kind=kind, title=title, color="#333333", fill_color=classes[0].color, weight=1.0 if kind != "line" else 3.0,
                      fill_opacity=0.6, radius=7.0, categorical=Categorical(field=field, classes=classes,
                                                                           other_label=i18n.text("compare.other", lang)),
                      z_order=30)


def comparison_document(comp: Any, *, language: str = "sv", site: str | None = None,
                        title: str | None = None, extent: tuple[float, float, float, float] | None = None,
                        context_layers: Sequence[str] = ("boundary", "investment_sites")) -> MapDocument:
    """The difference map of a comparison (one document for the HTML map and the figure).

    Parameters
    ----------
    comp
        A :class:`~jokkgeo.workflows.comparison.Comparison`.
    language
        ``"sv"`` or ``"en"``.
    site
        The site whose catchment bands are drawn for baseline and scenario (default: the first
        site with a changed catchment, else the first site). Gained/lost areas are drawn for all.
    title, extent
        Map title (default from the scenario names) and extent in EPSG:3006 (default: the changes).
    context_layers
        Baseline layers drawn for orientation (when present and not restricted).
    """
    lang = _lang(language)
    g_base, g_scen, g_diff = _GROUPS[lang]
    base, scen = comp.baseline.study, comp.scenario.study
    names = site_names(comp)
    layers: list[MapLayer] = []

    # differences (top of the legend)
    cc = comp.layers["catchment_changes"].copy()
    if len(cc):
        cc["site_name"] = cc["site_id"].astype(str).map(names).fillna(cc["site_id"].astype(str))
        cc["area_km2"] = (cc["area_m2"] / 1e6).round(2)
        t = i18n.text("compare.gained_lost_catchment_area", lang)
        style = _status_style("polygon", title=t, language=lang, field="change", values=(
            ("gained", "#1a9850", "Vunnen yta", "Gained area"), ("lost", "#d73027", "Förlorad yta", "Lost area")))
        style = _popup(style, (("site_name", i18n.text("compare.workplace", lang)),
                               ("minutes", i18n.text("compare.band_min", lang)),
                               ("change", i18n.text("compare.change", lang)),
                               ("area_km2", i18n.text("compare.area_km", lang))), tooltip="site_name")
        layers.append(MapLayer(id="diff_catchments", title=t, group=g_diff, style=style,
                               data=cc.sort_values("minutes", ascending=False, kind="stable")))
    restricted = any(s.restricted for st in (base, scen) for s in st.specs.values() if s.theme == "reindeer_herding")
    confl = comp.layers["conflict_changes"]
    if len(confl):
        t = i18n.text("compare.new_removed_changed_conflicts", lang)
        data = confl[confl.geometry.notna() & ~confl.geometry.is_empty].copy()
        data["severity"] = np.where(data["status"] == "removed", data["severity_baseline"], data["severity_scenario"])
        style = _status_style("polygon", title=t, language=lang, field="status", values=(
            ("new", "#b2182b", "Ny konflikt", "New conflict"), ("changed", "#fdae61", "Ändrad allvarlighet", "Changed severity"),
            ("removed", "#4575b4", "Borttagen konflikt", "Removed conflict")))
        style = _popup(style, (("status", "Status"), ("rule_id", i18n.text("compare.rule", lang)),
                               ("dev_label", i18n.text("compare.development", lang)),
                               ("sens_label", i18n.text("compare.sensitive_feature", lang)),
                               ("severity", i18n.text("compare.severity", lang))), tooltip="sens_label")
        import shapely

        kinds = shapely.get_type_id(np.asarray(data.geometry.values, dtype=object))
        illus = bool(data["illustrative"].astype(bool).any()) if "illustrative" in data.columns else False
        for kind, ids, suffix in (("polygon", (3, 6), ""), ("line", (1, 2, 5), "_lines")):
            part = data[np.isin(kinds, ids)]
            if len(part):
                st = style if kind == "polygon" else replace(style, kind="line", weight=4.0)
                t_part = t if kind == "polygon" else (t + (i18n.text("compare.routes", lang)))
                layers.append(MapLayer(id=f"diff_conflicts{suffix}", title=t_part, group=g_diff,
                                       style=st.with_title(t_part), data=part, restricted=restricted,
                                       illustrative=illus))
    xc = comp.layers["crossing_changes"]
    if len(xc):
        t = i18n.text("compare.new_removed_migration_route_crossings", lang)
        style = _status_style("point", title=t, language=lang, field="status", values=(
            ("new", "#67001f", "Ny korsning", "New crossing"), ("removed", "#2166ac", "Borttagen korsning", "Removed crossing")))
        style = _popup(style, (("status", "Status"), ("route_label", i18n.text("compare.migration_route", lang)),
                               ("infra_label", i18n.text("compare.infrastructure", lang))), tooltip="route_label")
        layers.append(MapLayer(id="diff_crossings", title=t, group=g_diff, style=style, data=xc, restricted=restricted))

    # catchment bands of one site, baseline and scenario
    if site is None:
        changed = comp.layers["catchment_changes"]
        site = str(changed.groupby("site_id")["area_m2"].sum().idxmax()) if len(changed) else (
            str(comp.layers["catchments_baseline"]["site_id"].iloc[0]) if len(comp.layers["catchments_baseline"]) else None)
    for key, group, label in (("catchments_scenario", g_scen, _label(scen, lang)),
                              ("catchments_baseline", g_base, _label(base, lang))):
        bands = comp.layers[key]
        if site is None or not len(bands):
            continue
        bands = bands[bands["site_id"].astype(str) == site].copy()
        if not len(bands):
            continue
        bands["area_km2"] = (bands["area_m2"] / 1e6).round(1)
        t = i18n.text("compare.travel_time_to", lang, site=names.get(site, site), label=label)
        style = band_style(sorted(set(bands["minutes"].astype(float))), title=t, language=lang)
        style = _popup(style, (("minutes", i18n.text("compare.within_minutes", lang)),
                               ("area_km2", i18n.text("compare.area_km", lang))), tooltip=None)
        layers.append(MapLayer(id=f"{key}_{site}", title=t, group=group, style=style,
                               data=bands.sort_values("minutes", ascending=False), show=key == "catchments_scenario"))

    # what the scenario adds (its own features, with their specs' styles and flags)
    for lid in scen.layer_ids:
        extra = scen.extra_specs.get(lid, ())
        frame = None
        if lid not in base:
            frame, specs = scen.layer(lid), [scen.spec(lid)]
        elif extra:
            now = scen.layer(lid)
            if "scenario_layer" in now.columns:
                frame = now[now["scenario_layer"].notna()]
            specs = list(extra)
        if frame is None or not len(frame):
            continue
        for spec in specs:
            part = frame[frame["scenario_layer"] == spec.id] if "scenario_layer" in frame.columns else frame
            if len(part):
                layers.append(layer_from_spec(spec, part, language=lang, group=g_scen))
    # context from the baseline
    for lid in context_layers:
        if lid in base and not base.spec(lid).restricted:
            lay = layer_from_spec(base.spec(lid), base.layer(lid), language=lang, group=g_base)
            layers.append(lay)

    if title is None:
        title = i18n.text("compare.title", lang, scen=_label(scen, lang), base=_label(base, lang))
    if extent is None:
        diff_layers = [lay for lay in layers if lay.group in (g_diff, g_scen) and lay.data is not None and len(lay.data)]
        boxes = [lay.data.total_bounds for lay in diff_layers]
        if boxes:
            arr = np.asarray(boxes)
            pad = 15_000.0
            extent = (float(arr[:, 0].min() - pad), float(arr[:, 1].min() - pad),
                      float(arr[:, 2].max() + pad), float(arr[:, 3].max() + pad))
    caveats = [text("approximate", lang)] + [c for c in comp.caveats]
    return MapDocument(id=f"compare_{base.name}_{scen.name}", title=title,
                       description=scen.scenario.description_text(lang) or "", layers=layers, extent=extent,
                       caveats=list(dict.fromkeys(caveats)), language=lang)


def _popup(style: LayerStyle, popup: tuple[tuple[str, str], ...], *, tooltip: str | None) -> LayerStyle:
    from dataclasses import replace

    return replace(style, popup=popup, tooltip=tooltip)


def comparison_panes(doc: MapDocument) -> tuple[MapDocument, MapDocument]:
    """Split a :func:`comparison_document` into the baseline pane and the scenario pane.

    Left: the *Nuläge/Baseline* group (baseline catchment bands, shown, and context).
    Right: the *Scenario* and *Skillnader/Differences* groups plus the same context layers.
    The layer objects are shared, so both renderers draw them with the same styles.
    """
    g_base, g_scen, g_diff = _GROUPS[_lang(doc.language)]
    is_bands = [lay.group == g_base and lay.id.startswith("catchments_baseline") for lay in doc.layers]
    # context: every layer outside the scenario/difference groups (a report recipe adds its own)
    context = [lay for lay, band in zip(doc.layers, is_bands) if not band and lay.group not in (g_scen, g_diff)]
    left = [replace(lay, show=True) for lay, band in zip(doc.layers, is_bands) if band] + context
    right = [lay for lay in doc.layers if lay.group in (g_diff, g_scen)] + context
    base = replace(doc, id=f"{doc.id}_baseline", layers=left)
    scen = replace(doc, id=f"{doc.id}_scenario", layers=right)
    return base, scen


def pane_titles(doc: MapDocument, comp: Any | None = None) -> tuple[str, str]:
    """Title strips of the two panes: ``"Nuläge: <baseline>"`` and ``"Scenario: <scenario> med skillnader"``."""
    lang = _lang(doc.language)
    g_base, g_scen, g_diff = _GROUPS[lang]
    if comp is not None:
        b, s = _label(comp.baseline.study, lang), _label(comp.scenario.study, lang)
    else:  # the default title is "<scenario> jämfört med <baseline>"
        sep = i18n.text("compare.compared_with", lang)
        s, _, b = doc.title.partition(sep)
    with_diff = i18n.text("compare.with_differences", lang)
    left = b if b.startswith(g_base) else f"{g_base}: {b}"
    return left, f"{g_scen}: {s} – {with_diff}"


def comparison_html(doc: MapDocument, *, titles: tuple[str, str] | None = None) -> str:
    """The comparison as one offline page: baseline and scenario side by side, synchronised.

    See :func:`jokkgeo.render.web.synced_maps_html`; the legend and caveat box are shared.
    """
    from jokkgeo.render.web import synced_maps_html

    panes = comparison_panes(doc)
    return synced_maps_html(panes, title=doc.title, description=doc.description,
                            pane_titles=titles or pane_titles(doc))


def comparison_map(comp: Any, *, language: str = "sv", **kwargs: Any) -> str:
    """The side-by-side difference map as a complete HTML page (see :func:`comparison_html`)."""
    doc = comparison_document(comp, language=language, **kwargs)
    return comparison_html(doc, titles=pane_titles(doc, comp))


def comparison_figure(comp: Any, *, language: str = "sv", **kwargs: Any) -> tuple[Any, Any]:
    """The matching print figure ``(fig, (ax_baseline, ax_scenario))``: two panels, one legend (A4 landscape)."""
    doc = comparison_document(comp, language=language, **kwargs)
    return comparison_figure_of(doc, titles=pane_titles(doc, comp))


def comparison_figure_of(doc: MapDocument, *, titles: tuple[str, str] | None = None,
                         **kwargs: Any) -> tuple[Any, Any]:
    """Two-panel figure of a :func:`comparison_document` (see :func:`jokkgeo.render.static.panel_figure`)."""
    from jokkgeo.render.static import panel_figure

    return panel_figure(comparison_panes(doc), title=doc.title, description=doc.description,
                        panel_titles=titles or pane_titles(doc), **kwargs)


def result_layers(comp: Any) -> dict[str, gpd.GeoDataFrame]:
    """Difference layers for a GeoPackage (EPSG:3006), named as in the CSV tables."""
    out = {
        "catchment_changes": comp.layers["catchment_changes"],
        "conflict_changes": comp.layers["conflict_changes"],
        "crossing_changes": comp.layers["crossing_changes"],
        "catchments_baseline": comp.layers["catchments_baseline"],
        "catchments_scenario": comp.layers["catchments_scenario"],
    }
    return out
