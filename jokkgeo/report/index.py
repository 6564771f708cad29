"""The bundle's front page ``index.html`` and its Excel-friendly key-figure tables.

The page has a title and date, a table of contents, key figures taken from the bundle's
own tables (people and dwellings — or area — within each travel-time band per site,
conflicts by severity, migration-route crossings), one card per map with a thumbnail
drawn from the map's layers (the overview first, scenario comparisons last), links to
the map, figures, tables and rasters, and every caveat once at the end, numbered, with
links to them from the maps they apply to.

Key-figure tables are also written for Swedish Excel (:func:`excel_csv`: UTF-8 with BOM,
``;`` between fields, decimal comma, Swedish headers).
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd
import shapely

from jokkgeo import i18n
from jokkgeo.i18n import format_number
from jokkgeo.render.document import MapDocument, text
from jokkgeo.render.popups import default_label
from jokkgeo.report.runners import RecipeRun

THUMB_W, THUMB_H = 240, 170
"""Size of the map thumbnails (CSS pixels)."""

_CSS = (
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1040px;margin:0 auto;padding:0 14px 40px;color:#222;"
    "line-height:1.45}h1{font-size:1.6em;margin:.8em 0 .2em}h2{margin-top:1.8em;border-bottom:1px solid #ccc}"
    "h3{margin:1.2em 0 .4em}.date{color:#555;margin:0 0 1em}nav ol{columns:2;padding-left:1.2em}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:14px}"
    ".card{border:1px solid #ccc;border-radius:6px;padding:8px;background:#fafafa}"
    ".card h3{font-size:1em;margin:.4em 0}.card p{font-size:.9em;margin:.3em 0}"
    ".thumb{display:block;width:100%;height:auto;background:#f4f1ea;border:1px solid #ddd;border-radius:4px}"
    ".cav{font-size:.85em;color:#444}.flag{background:#ffd8d8;border:1px solid #c92a2a;padding:0 4px;"
    "border-radius:3px}.tbl{overflow-x:auto}table{border-collapse:collapse;margin:.4em 0;font-size:.9em}"
    "th,td{border:1px solid #ccc;padding:3px 7px;text-align:left}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}th{background:#eef2f5}ol.caveats li{margin:.35em 0}"
    ":target{background:#fff3bf}@media (max-width:600px){nav ol{columns:1}body{padding:0 8px 30px}}"
)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def is_comparison(run: RecipeRun) -> bool:
    """True for a scenario comparison (side-by-side panes).

    Parameters
    ----------
    run
        A recipe run.
    """
    return any("pane_titles" in out.parameters for _spec, out in run.outputs)


def ordered_runs(runs: list[RecipeRun]) -> list[RecipeRun]:
    """Report order: the overview first, then the other maps, then scenario comparisons.

    Parameters
    ----------
    runs
        The recipe runs in recipe order.
    """
    def rank(pair: tuple[int, RecipeRun]) -> tuple[int, int]:
        i, run = pair
        first = 0 if run.recipe.id == "overview" else 2 if is_comparison(run) else 1
        return (first, i)

    return [run for _i, run in sorted(enumerate(runs), key=rank)]


# --- key figures ----------------------------------------------------------------------


def _tables(runs: list[RecipeRun], name: str) -> list[tuple[RecipeRun, pd.DataFrame]]:
    return [(run, out.tables[name]) for run in runs for _s, out in run.outputs
            if name in out.tables and len(out.tables[name])]


def _band_figures(run: RecipeRun, table: pd.DataFrame, lang: str) -> tuple[str, pd.DataFrame]:
    """Wide table: one row per site, one column per band and measure."""
    site = table["site_name"] if "site_name" in table.columns else table["site_id"]
    measures = [c for c in ("population", "working_age", "dwellings") if c in table.columns]
    title_key = "front.people_bands" if measures else "front.area_bands"
    if not measures:
        table = table.assign(area_km2=table["area_m2"] / 1e6)
        measures = ["area_km2"]
    frame = pd.DataFrame({"site": site.astype(str).to_numpy(), "minutes": table["minutes"].to_numpy(dtype=float)})
    for m in measures:
        frame[m] = pd.to_numeric(table[m], errors="coerce").to_numpy()
    wide = frame.pivot_table(index="site", columns="minutes", values=measures, aggfunc="sum", sort=False)
    columns = {}
    for measure, minutes in wide.columns:
        label = i18n.text(f"col.{measure}", lang)
        columns[(measure, minutes)] = f"{label} ≤ {format_number(minutes, lang)} min"
    out = wide.copy()
    counts = [c for c in wide.columns if c[0] != "area_km2"]
    out[counts] = out[counts].round()  # people and dwellings as whole numbers (modelled people are fractional)
    out.columns = [columns[c] for c in wide.columns]
    out = out.reset_index().rename(columns={"site": i18n.text("col.site", lang)})
    return f"{i18n.text(title_key, lang)} – {run.document.title}", out


def _severity_figures(runs: list[RecipeRun], lang: str) -> pd.DataFrame | None:
    rows = []
    for run, table in _tables(runs, "conflicts"):
        if "severity" not in table.columns:
            continue
        area = pd.to_numeric(table.get("zoi_area_m2", pd.Series(0.0, index=table.index)), errors="coerce")
        grouped = pd.DataFrame({"severity": table["severity"], "area": area}).groupby("severity", sort=False)
        for sev in ("major", "moderate", "minor"):
            if sev in grouped.groups:
                g = grouped.get_group(sev)
                rows.append({i18n.text("col.map", lang): run.document.title,
                             i18n.text("col.severity", lang): i18n.text(f"popup.value.severity.{sev}", lang),
                             i18n.text("col.n_conflicts", lang): len(g),
                             i18n.text("col.affected_km2", lang): round(float(g["area"].sum()) / 1e6, 1)})
    return pd.DataFrame(rows) if rows else None


def _crossing_figures(runs: list[RecipeRun], lang: str) -> pd.DataFrame | None:
    frames = []
    for run, table in _tables(runs, "crossing_counts"):
        cols = [c for c in ("route_label", "n_crossings", "n_roads", "n_rail", "n_power_lines") if c in table.columns]
        part = table[cols].rename(columns={"route_label": i18n.text("col.route", lang),
                                           **{c: i18n.text(f"col.{c}", lang) for c in cols if c != "route_label"}})
        part.insert(0, i18n.text("col.map", lang), run.document.title)
        frames.append(part)
    return pd.concat(frames, ignore_index=True) if frames else None


def key_figure_tables(runs: list[RecipeRun], language: str) -> dict[str, tuple[str, pd.DataFrame]]:
    """The front page's key figures: ``name -> (title, table with planner headers)``.

    Parameters
    ----------
    runs
        The recipe runs.
    language
        ``"sv"`` or ``"en"`` (headers and values).
    """
    lang = i18n.lang(language)
    out: dict[str, tuple[str, pd.DataFrame]] = {}
    for k, (run, table) in enumerate(_tables(runs, "catchments_per_site")):
        if {"minutes", "area_m2"} <= set(table.columns):
            out[f"nyckeltal_restid_{k + 1}" if lang == "sv" else f"key_travel_time_{k + 1}"] = _band_figures(
                run, table, lang)
    sev = _severity_figures(runs, lang)
    if sev is not None:
        out["nyckeltal_konflikter" if lang == "sv" else "key_conflicts"] = (
            i18n.text("front.conflicts_severity", lang), sev)
    cross = _crossing_figures(runs, lang)
    if cross is not None:
        out["nyckeltal_korsningar" if lang == "sv" else "key_crossings"] = (i18n.text("front.crossings", lang), cross)
    return out


def excel_csv(frame: pd.DataFrame, language: str = "sv", *, translate_headers: bool = False) -> str:
    """A table as CSV text that Swedish Excel opens correctly.

    UTF-8 with a byte-order mark, ``;`` between fields, decimal comma (English: ``,`` and a
    decimal point, still with the BOM), cells a spreadsheet would run as a formula
    neutralised. Write it as UTF-8 (the BOM is the first character).

    Parameters
    ----------
    frame
        The table (the index is not written).
    language
        ``"sv"`` (``;`` and decimal comma) or ``"en"``.
    translate_headers
        Replace known column names by their planner labels (:mod:`jokkgeo.i18n.popups`).

    Examples
    --------
    >>> excel_csv(pd.DataFrame({"Yta": [1.5]}))
    '\\ufeffYta\\r\\n1,5\\r\\n'
    """
    from jokkgeo.io.write import neutralise_formulas

    lang = i18n.lang(language)
    out = neutralise_formulas(frame)
    if translate_headers:
        labels = [default_label(str(c), lang) for c in out.columns]
        seen: dict[str, int] = {}
        for lab in labels:
            seen[lab] = seen.get(lab, 0) + 1
        out = out.copy()
        out.columns = [lab if seen[lab] == 1 else f"{lab} ({c})" for lab, c in zip(labels, frame.columns,
                                                                                  strict=True)]
    sep, decimal = (";", ",") if lang == "sv" else (",", ".")
    return "\ufeff" + out.to_csv(sep=sep, decimal=decimal, index=False, lineterminator="\r\n")


def _cell(value: Any, lang: str) -> str:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        v = float(value)
        if not math.isfinite(v):
            return '<td class="n">–</td>'
        digits = 0 if abs(v) >= 100 or v == int(v) else 1
        return f'<td class="n">{_e(format_number(v, lang, digits=digits))}</td>'
    return f"<td>{_e(value)}</td>"


def html_table(frame: pd.DataFrame, language: str = "sv") -> str:
    """A table as escaped HTML (numbers formatted for the language, right-aligned).

    Parameters
    ----------
    frame
        The table.
    language
        ``"sv"`` or ``"en"``.
    """
    lang = i18n.lang(language)
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(_cell(v, lang) for v in row) + "</tr>"
                   for row in frame.itertuples(index=False, name=None))
    return f'<div class="tbl"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


# --- thumbnails -----------------------------------------------------------------------


def thumbnail_svg(doc: MapDocument, *, width: int = THUMB_W, height: int = THUMB_H) -> str:
    """A small SVG sketch of a map: its vector layers in their colours over its extent.

    Parameters
    ----------
    doc
        The map document (layers in EPSG:3006).
    width, height
        Size in CSS pixels.
    """
    xmin, ymin, xmax, ymax = doc.full_extent()
    scale = min(width / max(xmax - xmin, 1.0), height / max(ymax - ymin, 1.0))
    ox = (width - (xmax - xmin) * scale) / 2
    oy = (height - (ymax - ymin) * scale) / 2
    frame = shapely.box(xmin, ymin, xmax, ymax)
    parts = [f'<svg class="thumb" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{_e(doc.title)}" xmlns="http://www.w3.org/2000/svg">']
    for lay in doc.drawing_order():
        if lay.data is None or not len(lay.data) or not lay.show:
            continue
        geoms = lay.data.geometry.to_numpy()
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        geoms = shapely.clip_by_rect(shapely.simplify(geoms, 1.0 / scale), xmin, ymin, xmax, ymax)
        geoms = geoms[~shapely.is_empty(geoms) & shapely.intersects(geoms, frame)]
        if not len(geoms):
            continue
        colors = lay.style.feature_colors(lay.data)
        parts.append(_layer_svg(geoms, lay.style, colors, xmin, ymax, scale, ox, oy))
    parts.append("</svg>")
    return "".join(parts)


def _layer_svg(geoms: np.ndarray, style: Any, colors: np.ndarray, xmin: float, ymax: float, scale: float,
               ox: float, oy: float) -> str:
    kind = style.kind
    fill = _e(style.fill_color)
    stroke = _e(style.color)
    if kind == "point":
        pts = shapely.get_coordinates(geoms)
        xs = np.round(ox + (pts[:, 0] - xmin) * scale, 1)
        ys = np.round(oy + (ymax - pts[:, 1]) * scale, 1)
        return "".join(f'<circle cx="{x:g}" cy="{y:g}" r="2.2" fill="{fill}" stroke="{stroke}" stroke-width=".5"/>'
                       for x, y in zip(xs, ys, strict=True))
    rings = shapely.get_rings(geoms) if kind == "polygon" else shapely.get_parts(geoms)
    rings = rings[shapely.get_type_id(rings) != 0]
    coords, idx = shapely.get_coordinates(rings, return_index=True)
    if not len(coords):
        return ""
    xs = np.round(ox + (coords[:, 0] - xmin) * scale, 1)
    ys = np.round(oy + (ymax - coords[:, 1]) * scale, 1)
    starts = np.r_[True, idx[1:] != idx[:-1]]
    cmds = np.where(starts, "M", "L")
    d = "".join(f"{c}{x:g} {y:g}" for c, x, y in zip(cmds, xs, ys, strict=True))
    if kind == "polygon":
        return (f'<path d="{d}" fill="{fill}" fill-opacity="{min(style.fill_opacity, 0.6):g}" stroke="{stroke}" '
                f'stroke-width=".6" fill-rule="evenodd"/>')
    return f'<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{min(max(style.weight / 2, .6), 2):g}"/>'


# --- the page ---------------------------------------------------------------------------


def index_html(runs: list[RecipeRun], manifest: dict[str, Any], language: str) -> str:
    """The ``index.html`` front page of the bundle.

    Parameters
    ----------
    runs
        The recipe runs, in recipe order (the page puts the overview first).
    manifest
        The manifest of the bundle (date, public flag, inputs, outputs).
    language
        ``"sv"`` or ``"en"``.
    """
    lang = i18n.lang(language)

    def T(key: str, **values: Any) -> str:  # noqa: N802 - a short name for the many lookups below
        return i18n.text(key, lang, **values)

    runs = ordered_runs(runs)
    caveats: list[str] = []
    for run in runs:
        for line in run.document.caveat_lines():
            if line not in caveats:
                caveats.append(line)
    cav_index = {c: k + 1 for k, c in enumerate(caveats)}
    date = str(manifest.get("created_utc", ""))[:10]
    key_tables = key_figure_tables(runs, lang)
    outputs = manifest.get("outputs_sha256", {})

    parts = [
        "<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(T('front.title'))}</title><style>{_CSS}</style></head><body>",
        f'<header><h1 id="top">{_e(T("front.title"))}</h1>'
        f'<p class="date">{_e(T("front.made", date=date))}</p><p>{_e(T("index.intro"))}</p>',
    ]
    if manifest.get("public"):
        parts.append(f'<p><span class="flag">{_e(T("index.public"))}</span> {_e(T("index.public_note"))}</p>')
    parts.append("</header>")
    toc = [("key", T("front.key_figures"))] if key_tables else []
    toc += [("maps", T("front.maps"))] + [(f"map-{run.recipe.id}", run.document.title) for run in runs]
    toc += [("results", T("index.results")), ("caveats", T("front.caveats")), ("sources", T("index.sources"))]
    parts.append(f'<nav><h2>{_e(T("front.contents"))}</h2><ol>'
                 + "".join(f'<li><a href="#{_e(a)}">{_e(t)}</a></li>' for a, t in toc) + "</ol></nav>")

    if key_tables:
        parts.append(f'<section><h2 id="key">{_e(T("front.key_figures"))}</h2><p class="cav">'
                     f'{_e(T("front.key_intro"))}</p>')
        for name, (title, frame) in key_tables.items():
            link = f"tables/{name}.csv"
            parts.append(f"<h3>{_e(title)}</h3>{html_table(frame, lang)}"
                         f'<p><a href="{_e(link)}" download>{_e(T("front.download"))}</a></p>')
        parts.append("</section>")

    parts.append(f'<section><h2 id="maps">{_e(T("front.maps"))}</h2><div class="cards">')
    for run in runs:
        parts.append(_card(run, lang, cav_index, outputs))
    parts.append("</div></section>")

    parts.append(f'<section><h2 id="results">{_e(T("index.results"))}</h2><ul>'
                 f'<li><a href="results.gpkg">results.gpkg</a> — {_e(T("index.results_gpkg"))}</li>'
                 f'<li><a href="manifest.json">manifest.json</a> — {_e(T("index.manifest"))}</li></ul></section>')
    parts.append(f'<section><h2 id="caveats">{_e(T("front.caveats"))}</h2><p class="cav">'
                 f'{_e(T("front.caveats_intro"))}</p><ol class="caveats">'
                 + "".join(f'<li id="cav-{k + 1}">{_e(c)}</li>' for k, c in enumerate(caveats)) + "</ol></section>")
    parts.append(f'<section><h2 id="sources">{_e(T("index.sources"))}</h2><ul>')
    for rec in manifest.get("inputs", []):
        parts.append(f"<li>{_e(rec['title'])}: {_e(rec['attribution'])} ({_e(rec['licence'])})"
                     + (f" — {_e(text('illustrative', lang))}" if rec.get("illustrative") else "")
                     + (f" — {_e(text('restricted', lang))}" if rec.get("sensitivity") == "restricted" else "")
                     + "</li>")
    parts.append("</ul></section></body></html>\n")
    return "\n".join(parts)


def _card(run: RecipeRun, lang: str, cav_index: dict[str, int], outputs: dict[str, str]) -> str:
    rid, doc = run.recipe.id, run.document
    T = lambda key: i18n.text(key, lang)  # noqa: E731
    fig = f"figures/{rid}.png"
    thumb = (f'<img class="thumb" src="{_e(fig)}" alt="{_e(doc.title)}" loading="lazy">' if fig in outputs
             else thumbnail_svg(doc))
    out = [f'<article class="card" id="map-{_e(rid)}"><a href="maps/{_e(rid)}.html">{thumb}</a>',
           f"<h3>{_e(doc.title)}</h3>"]
    if is_comparison(run):
        out.append(f'<p class="cav">{_e(T("front.comparison"))}</p>')
    if doc.description:
        out.append(f"<p>{_e(doc.description)}</p>")
    links = [f'<a href="maps/{_e(rid)}.html">{_e(T("front.open_map"))}</a>']
    figs = [f'<a href="figures/{_e(rid)}.{fmt}">{_e(fmt.upper())}</a>' for fmt in run.recipe.figure.formats
            if f"figures/{rid}.{fmt}" in outputs]
    if figs:
        links.append(f"{_e(T('front.figure'))}: " + " · ".join(figs))
    out.append("<p>" + " · ".join(links) + "</p>")
    tables = [n for _, o in run.outputs for n in o.tables]
    if tables:
        out.append(f"<p>{_e(T('index.tables'))}: " + ", ".join(
            f'<a href="tables/{_e(rid)}__{_e(n)}.csv">{_e(n)}</a>' for n in tables) + "</p>")
    rasters = [n for _, o in run.outputs for n in o.rasters]
    if rasters:
        out.append(f"<p>{_e(T('index.rasters'))}: " + ", ".join(
            f'<a href="rasters/{_e(rid)}__{_e(n)}.tif">{_e(n)}</a>' for n in rasters) + "</p>")
    notes = [n for _, o in run.outputs for n in o.notes]
    if notes:
        out.append(f'<details class="cav"><summary>{_e(T("front.notes"))} ({len(notes)})</summary><ul>'
                   + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul></details>")
    refs = sorted({cav_index[c] for c in doc.caveat_lines() if c in cav_index})
    if refs:
        out.append(f'<p class="cav">{_e(T("front.caveat_refs"))}: '
                   + ", ".join(f'<a href="#cav-{k}">{k}</a>' for k in refs) + "</p>")
    out.append("</article>")
    return "".join(out)


__all__ = ["excel_csv", "html_table", "index_html", "is_comparison", "key_figure_tables", "ordered_runs",
           "thumbnail_svg"]
