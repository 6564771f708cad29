"""The bundle's ``index.html``: links to every map, figure, table and raster, with caveats and notes."""

from __future__ import annotations

import html
from typing import Any

from jokkgeo import i18n
from jokkgeo.render.document import text
from jokkgeo.report.runners import RecipeRun


def index_html(runs: list[RecipeRun], manifest: dict[str, Any], language: str) -> str:
    """The ``index.html`` page of the bundle: one entry per map, with its files and caveats.

    Parameters
    ----------
    runs
        The recipe runs, in report order.
    manifest
        The manifest of the bundle.
    language
        ``"sv"`` or ``"en"``.
    """
    e = html.escape
    lang = "en" if language == "en" else "sv"

    def T(key: str) -> str:  # noqa: N802 - a short name for the many lookups below
        return i18n.text(key, lang)

    head = T("index.heading")
    intro = T("index.intro")
    parts = [
        "<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{e(head)}</title>",
        "<style>body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;"
        "color:#222}h2{margin-top:1.6em}li{margin:.2em 0}.cav{font-size:.9em;color:#444}"
        ".flag{background:#ffd8d8;border:1px solid #c92a2a;padding:0 4px;border-radius:3px}</style>",
        "</head><body>", f"<h1>{e(head)}</h1>", f"<p>{e(intro)}</p>",
    ]
    if manifest.get("public"):
        parts.append(f'<p><span class="flag">{e(T("index.public"))}</span> '
                     + e(T("index.public_note")) + "</p>")
    for run in runs:
        rid = run.recipe.id
        doc = run.document
        parts.append(f"<h2>{e(doc.title)}</h2>")
        if doc.description:
            parts.append(f"<p>{e(doc.description)}</p>")
        figs = " · ".join(
            f'<a href="figures/{e(rid)}.{fmt}">{fmt.upper()}</a>' for fmt in run.recipe.figure.formats
        )
        parts.append(f'<ul><li><a href="maps/{e(rid)}.html">{e(T("index.map"))}</a>'
                     f"</li><li>{e(T('index.figure'))}: {figs}</li>")
        tables = [n for _, out in run.outputs for n in out.tables]
        if tables:
            links = ", ".join(f'<a href="tables/{e(rid)}__{e(n)}.csv">{e(n)}</a>' for n in tables)
            parts.append(f"<li>{e(T('index.tables'))}: {links}</li>")
        rasters = [n for _, out in run.outputs for n in out.rasters]
        if rasters:
            links = ", ".join(f'<a href="rasters/{e(rid)}__{e(n)}.tif">{e(n)}</a>' for n in rasters)
            parts.append(f"<li>{e(T('index.rasters'))}: "
                         f"{links}</li>")
        parts.append("</ul>")
        parts.append(f"<p><b>{e(text('layers', language))}:</b> {e(', '.join(lay.title for lay in doc.layers))}</p>")
        cav = doc.caveat_lines()
        if cav:
            parts.append('<ul class="cav">' + "".join(f"<li>{e(c)}</li>" for c in cav) + "</ul>")
        notes = [n for _, out in run.outputs for n in out.notes]
        if notes:
            parts.append('<ul class="cav">' + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    parts.append(f"<h2>{e(T('index.results'))}</h2><ul>")
    parts.append(f'<li><a href="results.gpkg">results.gpkg</a> — '
                 f'{e(T("index.results_gpkg"))}</li>')
    parts.append(f'<li><a href="manifest.json">manifest.json</a> — '
                 f'{e(T("index.manifest"))}</li></ul>')
    parts.append(f"<h2>{e(T('index.sources'))}</h2><ul>")
    for rec in manifest["inputs"]:
        parts.append(f"<li>{e(rec['title'])}: {e(rec['attribution'])} ({e(rec['licence'])})"
                     + (f" — {e(text('illustrative', language))}" if rec["illustrative"] else "")
                     + (f" — {e(text('restricted', language))}" if rec["sensitivity"] == "restricted" else "")
                     + "</li>")
    parts.append("</ul></body></html>\n")
    return "\n".join(parts)


__all__ = ["index_html"]
