"""The written summary of a scenario comparison, built from the comparison's tables.

:func:`comparison_summary` returns a :class:`ComparisonSummary` (title, description,
sections of points, caveats); :meth:`ComparisonSummary.text` is the plain text that
``jokkgeo compare`` prints and writes (``<out>__summary.txt``) and
:meth:`ComparisonSummary.notes` the lines the report's index page shows — taken from
the structure, never parsed back out of the formatted text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jokkgeo.config.rules import SEVERITY_RANK
from jokkgeo.render.compare import MAX_ROWS, SEVERITY_WORDS, _T, _label, _lang, _minutes, _num, site_names
from jokkgeo.render.document import text


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
    t = _T[lang]
    names = site_names(comp)
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
        words = SEVERITY_WORDS[lang]
        new = cc[cc["status"] == "new"]
        sev = ", ".join(f"{int((new['severity_scenario'] == s).sum())} {words[s]}" for s in ("major", "moderate", "minor")
                        if int((new["severity_scenario"] == s).sum()))
        b.point(t["conf_count"].format(new=len(new), sev=sev or "0",
                                                     removed=int((cc["status"] == "removed").sum()),
                                                     changed=int((cc["status"] == "changed").sum())))
        layer_titles = {lid: st.spec(lid).label(lang) for st in (base, scen) for lid in st.layer_ids}
        ranked = cc.assign(_r=[SEVERITY_RANK.get(str(s1 if st != "removed" else s0), 0) for st, s0, s1 in
                               zip(cc["status"], cc["severity_baseline"], cc["severity_scenario"])])
        ranked = ranked.sort_values("_r", ascending=False, kind="stable")
        ranked["_dev"] = ranked["dev_label"] if "dev_label" in ranked.columns else ranked["dev_id"]
        ranked["_sens"] = [f"{lab} ({layer_titles.get(lay, lay)})" for lab, lay in zip(
            ranked["sens_label"] if "sens_label" in ranked.columns else ranked["sens_id"], ranked["sens_layer"])]
        group_cols = ["status", "_dev", "_sens", "rule_id", "severity_baseline", "severity_scenario"]
        grouped = ranked.astype({c: str for c in group_cols}).groupby(group_cols, sort=False, dropna=False).size().reset_index(name="n")
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
        xg = xg.astype({"_route": str, "_infra": str}).groupby(["status", "_route", "_infra"], sort=False, dropna=False).size()
        xg = xg.reset_index(name="n")
        for row in xg.head(MAX_ROWS).itertuples():
            b.point(t["cross_row"].format(
                status=t["new"] if row.status == "new" else t["removed_word"], route=row._2, infra=row._3)
                + (f" ({row.n}×)" if row.n > 1 else ""))
        if len(xg) > MAX_ROWS:
            b.line(t["more"].format(n=len(xg) - MAX_ROWS, table="crossing_changes"))
    b.blank()

    b.head(t["caveats"], kind="caveats")
    caveats = [t["approx"]]
    for spec in (a.spec for a in scen.scenario.add_layers):
        if spec.caveat_text(lang):
            caveats.append(f"{spec.label(lang)}: {spec.caveat_text(lang)}")
    if any(s.theme == "reindeer_herding" for st in (base, scen) for s in st.specs.values()):
        from jokkgeo.i18n import text as i18n_text

        caveats.append(i18n_text("caveat.reindeer", lang))
    illus = sorted({spec.label(lang) for res in (comp.baseline, comp.scenario)
                    for lid in res.study.illustrative_layers for spec in
                    [res.study.spec(lid), *res.study.extra_specs.get(lid, ())] if spec.illustrative})
    if illus:
        caveats.append(f"{text('illustrative', lang)}: {', '.join(illus)}.")
    for c in dict.fromkeys(caveats):
        b.point(c)
    return b.summary()


# ----------------------------------------------------------------------------- map



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


__all__ = ["ComparisonSummary", "SummarySection", "comparison_summary", "summary_text"]
