"""A scenario comparison for people: the written summary and the difference map, from the comparison's data.

:func:`comparison_summary` returns a :class:`ComparisonSummary` (title, description,
sections of points, caveats); :meth:`ComparisonSummary.text` is the plain text that
``jokkgeo compare`` prints and writes (``<out>__summary.txt``) and
:meth:`ComparisonSummary.notes` the lines the report's index page shows — taken from
the structure, never parsed back out of the formatted text.

:func:`comparison_document` builds the :class:`~jokkgeo.render.document.MapDocument` both
renderers draw: one map with three layer groups — *Nuläge/Baseline*, *Scenario* and
*Skillnader/Differences* (gained and lost catchment areas, new/removed/changed conflicts,
new/removed migration-route crossings); :func:`pane_titles` gives the title strips of the
side-by-side panes (from the studies' labels), :func:`result_layers` the difference layers
for a GeoPackage. Drawing is :mod:`jokkgeo.render.compare`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from jokkgeo import i18n
from jokkgeo.config.rules import SEVERITY_RANK
from jokkgeo.i18n import format_number
from jokkgeo.render.compare import comparison_figure_of, comparison_html, group_names
from jokkgeo.render.document import MapDocument, MapLayer, layer_from_spec, text
from jokkgeo.render.palettes import palette
from jokkgeo.render.styles import Categorical, CategoryClass, LayerStyle, band_style

GAIN_LOSS = palette("gain_loss", 2)
"""Colours of gained and lost catchment area (colour-blind safe, blue/orange: used by no other layer of a
comparison map; new/changed/removed conflicts and crossings are dark red, pale orange and grey)."""

MAX_ROWS = 6
"""Points shown per summary section (the rest: "… and N more (see table …)")."""


def _lang(language: str) -> str:
    return i18n.lang(language)


def _num(value: float, language: str, *, digits: int = 1, signed: bool = False) -> str:
    return format_number(value, language, digits=digits, signed=signed)


def _minutes(value: float, band: float, language: str) -> str:
    """Minutes with one decimal, or two when one decimal would round onto the band limit."""
    one = round(float(value), 1)
    return _num(value, language, digits=2 if one == float(band) and float(value) != float(band) else 1)


def _label(study: Any, language: str) -> str:
    return study.scenario.label(language)


def compared_site_names(comp: Any) -> dict[str, str]:
    """``site_id -> name`` from the site layers of both studies of a comparison.

    Sites whose layer has no ``name`` column are left out (callers fall back on the id);
    a scenario's name wins over the baseline's.

    Parameters
    ----------
    comp
        A :class:`~jokkgeo.workflows.comparison.Comparison`.
    """
    names: dict[str, str] = {}
    for res in (comp.baseline, comp.scenario):
        study = res.study
        lid = study.parameters.get("catchments", {}).get("site_layer", "investment_sites")
        if lid in study:
            gdf = study.layer(lid)
            if "site_id" in gdf.columns and "name" in gdf.columns:
                names.update(zip(gdf["site_id"].astype(str), gdf["name"].astype(str), strict=True))
    return names


@dataclass(frozen=True)
class SummarySection:
    """One section of a summary: a heading and its points."""

    head: str
    points: tuple[str, ...]
    kind: str = "result"
    """``"result"`` or ``"caveats"``."""


@dataclass
class ComparisonSummary:
    """A comparison summary as data; :meth:`text` formats it."""

    title: str
    sections: list[SummarySection] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    """The formatted lines (headings end in ':', points start with '- ')."""

    def text(self) -> str:
        """Plain text, Markdown-like (what ``jokkgeo compare`` prints)."""
        return "\n".join(self.lines).rstrip() + "\n"

    def notes(self) -> list[str]:
        """The title and the first point of each result section (for the report's index page)."""
        return [self.title] + [f"{s.head}: {s.points[0]}" for s in self.sections if s.kind != "caveats" and s.points]

    @property
    def caveats(self) -> list[str]:
        return [p for s in self.sections if s.kind == "caveats" for p in s.points]


class _Builder:
    def __init__(self, title: str) -> None:
        self._summary = ComparisonSummary(title=title, lines=[title, ""])
        self._head: str | None = None
        self._kind = "result"
        self._points: list[str] = []

    def _close(self) -> None:
        if self._head is not None:
            self._summary.sections.append(SummarySection(self._head, tuple(self._points), self._kind))
        self._head, self._points = None, []

    def head(self, head: str, *, kind: str = "result") -> None:
        self._close()
        self._head, self._kind = head, kind
        self._summary.lines.append(f"{head}:")

    def point(self, point: str) -> None:
        self._points.append(point)
        self._summary.lines.append(f"- {point}")

    def line(self, line: str) -> None:
        self._summary.lines.append(line)

    def blank(self) -> None:
        self._summary.lines.append("")

    def summary(self) -> ComparisonSummary:
        self._close()
        return self._summary


def comparison_summary(comp: Any, *, language: str = "sv") -> ComparisonSummary:
    """The written summary of a comparison as structured data (title, sections of points, caveats).

    Parameters
    ----------
    comp
        A :class:`~jokkgeo.workflows.comparison.Comparison`.
    language
        ``"sv"`` (default) or ``"en"``.
    """
    lang = _lang(language)
    t = {key[len("summary."):]: i18n.text(key, lang) for key in i18n.present_texts.TEXTS if key.startswith("summary.")}
    names = compared_site_names(comp)
    base, scen = comp.baseline.study, comp.scenario.study
    b = _Builder(t["head"].format(scen=_label(scen, lang), base=_label(base, lang)))
    desc = scen.scenario.description_text(lang)
    if desc:
        b.line(desc)
        b.blank()

    # what the scenario changes
    items = [(f"{t['no_longer']} " if getattr(row, "only_in", "scenario") == "baseline" else "")
             + f"{t.get(row.change, row.change)}: {row.layer}" + (f" ({row.detail})" if row.detail else "")
             for row in comp.tables["layer_changes"].itertuples()]
    if scen.season != base.season:
        items.append(t["season"].format(season=f"{base.season} → {scen.season}"))
    if scen.parameters != base.parameters:
        changed = sorted(k for k in set(scen.parameters) | set(base.parameters)
                         if scen.parameters.get(k) != base.parameters.get(k))
        items.append(t["params"].format(params=", ".join(changed)))
    if items:
        b.head(t["changes"])
        for i in items:
            b.point(i)
        b.blank()

    if comp.n_differences == 0:
        b.line(t["nothing"])
        b.blank()

    # catchments
    b.head(t["catch"])
    ct = comp.tables["catchment_totals"]
    change_cols = [c for c in ct.columns if c.endswith("_change")]
    changed = ct[(ct[change_cols].abs() > 0).any(axis=1)] if len(ct) else ct
    if changed.empty:
        b.point(t['catch_none'])
    for row in changed.head(MAX_ROWS).itertuples():
        b.point(t["catch_row"].format(
            site=names.get(str(row.site_id), str(row.site_id)), m=_num(row.minutes, lang, digits=0),
            da=_num(row.area_m2_change / 1e6, lang, signed=True), a0=_num(row.area_m2_baseline / 1e6, lang),
            a1=_num(row.area_m2_scenario / 1e6, lang), dp=_num(row.population_change, lang, digits=0, signed=True),
            dd=_num(row.dwellings_change, lang, digits=0, signed=True),
            dh=_num(row.housing_area_m2_change / 1e4, lang, signed=True)))
    if len(changed) > MAX_ROWS:
        b.line(t["more"].format(n=len(changed) - MAX_ROWS, table="catchment_totals"))
    b.blank()

    # access
    b.head(t["access"])
    acc = comp.tables["access_changes"]
    if acc.empty:
        b.point(t['access_none'])
    else:
        b.point(t["access_count"].format(gained=int((acc["change"] == "gained").sum()),
                                                       lost=int((acc["change"] == "lost").sum())))
        # one line per place and workplace: the tightest band gained, or the tightest band lost
        first = acc.sort_values("band_minutes", kind="stable").drop_duplicates(["site_id", "place_layer", "place_id",
                                                                                 "change"])
        for row in first.head(MAX_ROWS).itertuples():
            key = "gained_row" if row.change == "gained" else "lost_row"
            pstat = getattr(row, "place_status", "existing")
            t0 = (t["new_place"] if pstat == "new_place" else
                  _minutes(row.minutes_baseline, row.band_minutes, lang) if pd.notna(row.minutes_baseline)
                  else t["unreachable"])
            t1 = (t["removed_place"] if pstat == "removed_place" else
                  _minutes(row.minutes_scenario, row.band_minutes, lang) if pd.notna(row.minutes_scenario)
                  else t["unreachable"])
            b.point(t[key].format(
                place=row.place, site=names.get(str(row.site_id), str(row.site_id)),
                m=_num(row.band_minutes, lang, digits=0), t0=t0, t1=t1))
        if len(first) > MAX_ROWS:
            b.line(t["more"].format(n=len(first) - MAX_ROWS, table="access_changes"))
    b.blank()

    # conflicts
    b.head(t["conf"])
    cc = comp.tables["conflict_changes"]
    if cc.empty:
        b.point(t['conf_none'])
    else:
        words = {s: i18n.text(f"severity_word.{s}", lang) for s in ("major", "moderate", "minor")}
        new = cc[cc["status"] == "new"]
        sev = ", ".join(f"{int((new['severity_scenario'] == s).sum())} {words[s]}"
                        for s in ("major", "moderate", "minor") if int((new["severity_scenario"] == s).sum()))
        b.point(t["conf_count"].format(new=len(new), sev=sev or "0",
                                                     removed=int((cc["status"] == "removed").sum()),
                                                     changed=int((cc["status"] == "changed").sum())))
        layer_titles = {lid: st.spec(lid).label(lang) for st in (base, scen) for lid in st.layer_ids}
        ranked = cc.assign(_r=[SEVERITY_RANK.get(str(s1 if st != "removed" else s0), 0) for st, s0, s1 in
                               zip(cc["status"], cc["severity_baseline"], cc["severity_scenario"], strict=True)])
        ranked = ranked.sort_values("_r", ascending=False, kind="stable")
        ranked["_dev"] = ranked["dev_label"] if "dev_label" in ranked.columns else ranked["dev_id"]
        sens_labels = ranked["sens_label"] if "sens_label" in ranked.columns else ranked["sens_id"]
        ranked["_sens"] = [f"{lab} ({layer_titles.get(lay, lay)})"
                           for lab, lay in zip(sens_labels, ranked["sens_layer"], strict=True)]
        group_cols = ["status", "_dev", "_sens", "rule_id", "severity_baseline", "severity_scenario"]
        grouped = ranked.astype({c: str for c in group_cols}).groupby(group_cols, sort=False, dropna=False).size()
        grouped = grouped.reset_index(name="n")
        for row in grouped.head(MAX_ROWS).itertuples():
            times = f" ({row.n}×)" if row.n > 1 else ""
            if row.status == "changed":
                b.point(t["conf_changed"].format(dev=row._2, sens=row._3, rule=row.rule_id,
                                                             s0=words.get(row.severity_baseline, row.severity_baseline),
                                                             s1=words.get(row.severity_scenario, row.severity_scenario))
                             + times)
            else:
                sv_ = row.severity_scenario if row.status == "new" else row.severity_baseline
                b.point(t["conf_new" if row.status == "new" else "conf_removed"].format(
                    dev=row._2, sens=row._3, rule=row.rule_id, severity=words.get(sv_, sv_)) + times)
        if len(grouped) > MAX_ROWS:
            b.line(t["more"].format(n=len(grouped) - MAX_ROWS, table="conflict_changes"))
    b.blank()

    # samebyar
    level = comp.scenario.study.parameters.get("surfaces", {}).get("share_level", 0.5)
    b.head(t["same"].format(level=_num(level, lang, digits=2)))
    sb = comp.tables["sameby_changes"]
    cols = [c for c in sb.columns if c.endswith("_change")]
    sbc = sb[(sb[cols].abs() > 1e-12).any(axis=1)] if cols and len(sb) else sb.iloc[0:0]
    if sbc.empty:
        b.point(t['same_none'])
    for row in sbc.head(MAX_ROWS).itertuples():
        b.point(t["same_row"].format(
            sameby=row.sameby, a0=_num(100 * row.influenced_share_baseline, lang, digits=2),
            a1=_num(100 * row.influenced_share_scenario, lang, digits=2),
            da=_num(100 * row.influenced_share_change, lang, digits=2, signed=True),
            d0=_num(row.density_km_per_km2_baseline, lang, digits=3),
            d1=_num(row.density_km_per_km2_scenario, lang, digits=3)))
    b.blank()

    # crossings
    b.head(t["cross"])
    xc = comp.tables["crossing_changes"]
    if xc.empty:
        b.point(t['cross_none'])
    else:
        b.point(t["cross_count"].format(new=int((xc["status"] == "new").sum()),
                                                      removed=int((xc["status"] == "removed").sum())))
        xg = xc.assign(_route=xc["route_label"] if "route_label" in xc.columns else xc["route_id"],
                       _infra=xc["infra_label"] if "infra_label" in xc.columns else xc["infra_id"])
        xg = xg.astype({"_route": str, "_infra": str})
        xg = xg.groupby(["status", "_route", "_infra"], sort=False, dropna=False).size()
        xg = xg.reset_index(name="n")
        for row in xg.head(MAX_ROWS).itertuples():
            b.point(t["cross_row"].format(
                status=t["new"] if row.status == "new" else t["removed_word"], route=row._2, infra=row._3)
                + (f" ({row.n}×)" if row.n > 1 else ""))
        if len(xg) > MAX_ROWS:
            b.line(t["more"].format(n=len(xg) - MAX_ROWS, table="crossing_changes"))
    b.blank()

    _growth_section(b, comp, lang)
    if comp.baseline.services is not None or comp.scenario.services is not None:
        _services_section(b, comp, lang)

    b.head(t["caveats"], kind="caveats")
    caveats = [t["approx"]]
    for spec in (a.spec for a in scen.scenario.add_layers):
        if spec.caveat_text(lang):
            caveats.append(f"{spec.label(lang)}: {spec.caveat_text(lang)}")
    if any(r.growth is not None and (r.growth.sites["jobs"] > 0).any() for r in (comp.baseline, comp.scenario)):
        caveats.append(i18n.text("growth.caveat.not_forecast", lang))
    if any(s.theme == "reindeer_herding" for st in (base, scen) for s in st.specs.values()):
        caveats.append(i18n.text("caveat.reindeer", lang))
    illus = sorted({spec.label(lang) for res in (comp.baseline, comp.scenario)
                    for lid in res.study.illustrative_layers for spec in
                    [res.study.spec(lid), *res.study.extra_specs.get(lid, ())] if spec.illustrative})
    if illus:
        caveats.append(f"{text('illustrative', lang)}: {', '.join(illus)}.")
    for c in dict.fromkeys(caveats):
        b.point(c)
    return b.summary()


def _growth_section(b: _Builder, comp: Any, lang: str) -> None:
    """New residents and dwelling shortfall per settlement (the in-migration model), last year of the run."""
    from jokkgeo.present.growth import growth_summary_points, unhoused_by_year

    base, scen = comp.baseline, comp.scenario
    if base.growth is None and scen.growth is None:
        note = scen.growth_note or base.growth_note
        if note:
            b.head(i18n.text("growth.summary.head", lang, year="–"))
            b.point(i18n.text("growth.summary.not_run", lang, reason=note))
            b.blank()
        return
    if all(r.growth is None or not (r.growth.sites["jobs"] > 0).any() for r in (base, scen)):
        return  # no new jobs in either study: nothing to say
    u0, u1 = unhoused_by_year(base.growth), unhoused_by_year(scen.growth)
    unhoused = [(y, u0.get(y, 0.0), u1.get(y, 0.0)) for y in sorted(set(u0) | set(u1))]
    head, points = growth_summary_points(comp.tables["growth_changes"], unhoused, language=lang, top=MAX_ROWS)
    b.head(head)
    for p in points:
        b.point(p)
    b.blank()


def _services_section(b: _Builder, comp: Any, lang: str) -> None:
    """Access to services: people per band and kind, and the load per service, where they changed."""
    from jokkgeo.present.services import kind_label, season_label

    b.head(i18n.text("services.compare.heading", lang))
    bands = comp.tables.get("service_changes", pd.DataFrame())
    load = comp.tables.get("service_load_changes", pd.DataFrame())
    bands = bands[bands["people_within_change"].abs() > 0] if len(bands) else bands
    load = load[load["residents_change"].abs() > 0] if len(load) else load
    if bands.empty and load.empty:
        b.point(i18n.text("services.compare.none", lang))
    season = comp.scenario.study.season
    if comp.baseline.study.season != season:
        season = f"{season_label(comp.baseline.study.season, lang)} → {season_label(season, lang)}"
    else:
        season = season_label(season, lang)
    for row in bands.head(MAX_ROWS).itertuples():
        b.point(i18n.text("services.compare.band", lang, kind=kind_label(row.kind, lang),
                          minutes=_num(row.minutes, lang), season=season,
                          base=_num(row.people_within_baseline, lang, digits=0),
                          scen=_num(row.people_within_scenario, lang, digits=0),
                          change=_num(row.people_within_change, lang, digits=0, signed=True)))
    if len(bands) > MAX_ROWS:
        b.line(i18n.text("summary.more", lang).format(n=len(bands) - MAX_ROWS, table="service_changes"))
    order = load.reindex(load["residents_change"].abs().sort_values(ascending=False, kind="stable").index)
    for row in order.head(MAX_ROWS).itertuples():
        b.point(i18n.text("services.compare.load", lang, name=row.name if pd.notna(row.name) else row.service_id,
                          kind=kind_label(row.kind, lang), base=_num(row.residents_baseline, lang, digits=0),
                          scen=_num(row.residents_scenario, lang, digits=0),
                          change=_num(row.residents_change, lang, digits=0, signed=True)))
    if len(load) > MAX_ROWS:
        b.line(i18n.text("summary.more", lang).format(n=len(load) - MAX_ROWS, table="service_load_changes"))
    b.blank()


# ----------------------------------------------------------------------------- map


def _status_style(kind: str, *, title: str, language: str, field: str,
                  values: Sequence[tuple[str, str, str]]) -> LayerStyle:
    """Categorical style of a status column: ``(value, colour, i18n key of the legend label)``."""
    lang = _lang(language)
    classes = tuple(CategoryClass(value=v, color=c, label=i18n.text(key, lang)) for v, c, key in values)
    return LayerStyle(kind=kind, title=title, color="#333333", fill_color=classes[0].color,
                      weight=1.0 if kind != "line" else 3.0, fill_opacity=0.6, radius=7.0,
                      categorical=Categorical(field=field, classes=classes,
                                              other_label=i18n.text("compare.other", lang)),
                      z_order=30)


def _popup(style: LayerStyle, popup: tuple[tuple[str, str], ...], *, tooltip: str | None) -> LayerStyle:
    return replace(style, popup=popup, tooltip=tooltip)


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

    Returns
    -------
    MapDocument
        Layers grouped as *Nuläge/Baseline*, *Scenario* and *Skillnader/Differences*.
    """
    lang = _lang(language)
    g_base, g_scen, g_diff = group_names(lang)
    base, scen = comp.baseline.study, comp.scenario.study
    names = compared_site_names(comp)
    layers: list[MapLayer] = []

    # differences (top of the legend)
    cc = comp.layers["catchment_changes"].copy()
    if len(cc):
        cc["site_name"] = cc["site_id"].astype(str).map(names).fillna(cc["site_id"].astype(str))
        cc["area_km2"] = (cc["area_m2"] / 1e6).round(2)
        t = i18n.text("compare.gained_lost_catchment_area", lang)
        style = _status_style("polygon", title=t, language=lang, field="change", values=(
            ("gained", GAIN_LOSS[0], "compare.status.gained"), ("lost", GAIN_LOSS[1], "compare.status.lost")))
        style = _popup(style, (("site_name", i18n.text("compare.workplace", lang)),
                               ("minutes", i18n.text("compare.band_min", lang)),
                               ("change", i18n.text("compare.change", lang)),
                               ("area_km2", i18n.text("compare.area_km", lang))), tooltip="site_name")
        layers.append(MapLayer(id="diff_catchments", title=t, group=g_diff, style=style,
                               data=cc.sort_values("minutes", ascending=False, kind="stable")))
    restricted = any(s.restricted for st in (base, scen) for s in st.specs.values() if s.theme == "reindeer_herding")
    confl = comp.layers["conflict_changes"]
    if len(confl):
        layers.extend(_conflict_change_layers(confl, lang, group=g_diff, restricted=restricted))
    xc = comp.layers["crossing_changes"]
    if len(xc):
        t = i18n.text("compare.new_removed_migration_route_crossings", lang)
        style = _status_style("point", title=t, language=lang, field="status", values=(
            ("new", "#7f0000", "compare.status.new_crossing"),
            ("removed", "#9e9e9e", "compare.status.removed_crossing")))
        style = _popup(style, (("status", i18n.text("compare.status", lang)),
                               ("route_label", i18n.text("compare.migration_route", lang)),
                               ("infra_label", i18n.text("compare.infrastructure", lang))), tooltip="route_label")
        layers.append(MapLayer(id="diff_crossings", title=t, group=g_diff, style=style, data=xc, restricted=restricted))

    layers.extend(_band_layers(comp, site, names, lang, groups=(g_base, g_scen)))
    layers.extend(_scenario_layers(base, scen, lang, group=g_scen))
    # context from the baseline
    for lid in context_layers:
        if lid in base and not base.spec(lid).restricted:
            layers.append(layer_from_spec(base.spec(lid), base.layer(lid), language=lang, group=g_base))

    if title is None:
        title = i18n.text("compare.title", lang, scen=_label(scen, lang), base=_label(base, lang))
    if extent is None:  # open on what changed: differences and the scenario's own features, not whole bands
        changed = [lay for lay in layers if lay.group in (g_diff, g_scen) and not lay.id.startswith("catchments_")]
        extent = _changes_extent(changed) or _changes_extent([lay for lay in layers if lay.group in (g_diff, g_scen)])
    caveats = [text("approximate", lang)] + [c for c in comp.caveats]
    return MapDocument(id=f"compare_{base.name}_{scen.name}", title=title,
                       description=scen.scenario.description_text(lang) or "", layers=layers, extent=extent,
                       caveats=list(dict.fromkeys(caveats)), language=lang)


def _conflict_change_layers(confl: gpd.GeoDataFrame, lang: str, *, group: str, restricted: bool) -> list[MapLayer]:
    import shapely

    t = i18n.text("compare.new_removed_changed_conflicts", lang)
    data = confl[confl.geometry.notna() & ~confl.geometry.is_empty].copy()
    data["severity"] = np.where(data["status"] == "removed", data["severity_baseline"], data["severity_scenario"])
    style = _status_style("polygon", title=t, language=lang, field="status", values=(
        ("new", "#7f0000", "compare.status.new_conflict"), ("changed", "#fdd49e", "compare.status.changed_conflict"),
        ("removed", "#9e9e9e", "compare.status.removed_conflict")))
    style = _popup(style, (("status", i18n.text("compare.status", lang)), ("rule_id", i18n.text("compare.rule", lang)),
                           ("dev_label", i18n.text("compare.development", lang)),
                           ("sens_label", i18n.text("compare.sensitive_feature", lang)),
                           ("severity", i18n.text("compare.severity", lang))), tooltip="sens_label")
    kinds = shapely.get_type_id(np.asarray(data.geometry.values, dtype=object))
    illus = bool(data["illustrative"].astype(bool).any()) if "illustrative" in data.columns else False
    layers = []
    for kind, ids, suffix in (("polygon", (3, 6), ""), ("line", (1, 2, 5), "_lines")):
        part = data[np.isin(kinds, ids)]
        if len(part):
            st = style if kind == "polygon" else replace(style, kind="line", weight=4.0)
            t_part = t if kind == "polygon" else (t + (i18n.text("compare.routes", lang)))
            layers.append(MapLayer(id=f"diff_conflicts{suffix}", title=t_part, group=group,
                                   style=st.with_title(t_part), data=part, restricted=restricted, illustrative=illus))
    return layers


def _band_layers(comp: Any, site: str | None, names: dict[str, str], lang: str, *,
                 groups: tuple[str, str]) -> list[MapLayer]:
    """Catchment bands of one site, scenario and baseline."""
    g_base, g_scen = groups
    if site is None:
        changed = comp.layers["catchment_changes"]
        first_bands = comp.layers["catchments_baseline"]
        site = str(changed.groupby("site_id")["area_m2"].sum().idxmax()) if len(changed) else (
            str(first_bands["site_id"].iloc[0]) if len(first_bands) else None)
    layers = []
    for key, group, label in (("catchments_scenario", g_scen, _label(comp.scenario.study, lang)),
                              ("catchments_baseline", g_base, _label(comp.baseline.study, lang))):
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
    return layers


def _scenario_layers(base: Any, scen: Any, lang: str, *, group: str) -> list[MapLayer]:
    """What the scenario adds (its own features, with their specs' styles and flags)."""
    layers = []
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
                layers.append(layer_from_spec(spec, part, language=lang, group=group))
    return layers


def _changes_extent(layers: list[MapLayer], pad: float = 15_000.0) -> tuple[float, float, float, float] | None:
    boxes = [lay.data.total_bounds for lay in layers if lay.data is not None and len(lay.data)]
    if not boxes:
        return None
    arr = np.asarray(boxes)
    return (float(arr[:, 0].min() - pad), float(arr[:, 1].min() - pad),
            float(arr[:, 2].max() + pad), float(arr[:, 3].max() + pad))


def pane_titles(comp: Any, language: str = "sv") -> tuple[str, str]:
    """Title strips of the two panes, from the studies' labels.

    ``"Nuläge: <baseline>"`` (just the label when it already starts with the group name) and
    ``"Scenario: <scenario> – med skillnader"``.

    Parameters
    ----------
    comp
        A :class:`~jokkgeo.workflows.comparison.Comparison`.
    language
        ``"sv"`` (default) or ``"en"``.
    """
    lang = _lang(language)
    g_base, g_scen, _g_diff = group_names(lang)
    b, s = _label(comp.baseline.study, lang), _label(comp.scenario.study, lang)
    left = b if b.startswith(g_base) else i18n.text("compare.pane_title", lang, group=g_base, label=b)
    right = i18n.text("compare.pane_title_scenario", lang, group=g_scen, label=s,
                      with_diff=i18n.text("compare.with_differences", lang))
    return left, right


def comparison_map(comp: Any, *, language: str = "sv", **kwargs: Any) -> str:
    """The side-by-side difference map as a complete HTML page (:func:`jokkgeo.render.compare.comparison_html`).

    Parameters
    ----------
    comp
        A :class:`~jokkgeo.workflows.comparison.Comparison`.
    language
        ``"sv"`` (default) or ``"en"``.
    kwargs
        Passed on to :func:`comparison_document` (``site``, ``title``, ``extent``, ``context_layers``).
    """
    doc = comparison_document(comp, language=language, **kwargs)
    from jokkgeo.present.context import map_context  # background water, place labels, tiles

    doc.context = map_context(comp.baseline.study.store, language=language, exclude=[lay.id for lay in doc.layers])
    return comparison_html(doc, titles=pane_titles(comp, language))


def comparison_figure(comp: Any, *, language: str = "sv", **kwargs: Any) -> tuple[Any, Any]:
    """The matching print figure ``(fig, (ax_baseline, ax_scenario))``: two panels, one legend (160 mm column).

    Parameters
    ----------
    comp
        A :class:`~jokkgeo.workflows.comparison.Comparison`.
    language
        ``"sv"`` (default) or ``"en"``.
    kwargs
        Passed on to :func:`comparison_document` (``site``, ``title``, ``extent``, ``context_layers``).
    """
    doc = comparison_document(comp, language=language, **kwargs)
    return comparison_figure_of(doc, titles=pane_titles(comp, language))


def result_layers(comp: Any) -> dict[str, gpd.GeoDataFrame]:
    """Difference layers for a GeoPackage (EPSG:3006), named as in the CSV tables.

    Parameters
    ----------
    comp
        A :class:`~jokkgeo.workflows.comparison.Comparison`.
    """
    return {name: comp.layers[name] for name in ("catchment_changes", "conflict_changes", "crossing_changes",
                                                 "catchments_baseline", "catchments_scenario")}


def summary_text(comp: Any, *, language: str = "sv") -> str:
    """A short written summary of a comparison, with the numbers (plain text, Markdown-like).

    Parameters
    ----------
    comp
        A :class:`~jokkgeo.workflows.comparison.Comparison`.
    language
        ``"sv"`` (default) or ``"en"``.
    """
    return comparison_summary(comp, language=language).text()


__all__ = [
    "ComparisonSummary",
    "SummarySection",
    "comparison_document",
    "comparison_figure",
    "comparison_map",
    "compared_site_names",
    "comparison_summary",
    "pane_titles",
    "result_layers",
    "summary_text",
]
