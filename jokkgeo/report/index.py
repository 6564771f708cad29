"""The bundle's ``index.html``: links to every map, figure, table and raster, with caveats and notes."""

from __future__ import annotations

import html
from typing import Any

from jokkgeo.render.document import text
from jokkgeo.report.runners import RecipeRun


def index_html(runs: list[RecipeRun], manifest: dict[str, Any], language: str) -> str:
    e = html.escape
    sv = language != "en"
    head = "Kartor och figurer" if sv else "Maps and figures"
    intro = (
        "Interaktiva kartor (öppnas i webbläsaren utan nätverk) och tryckfärdiga figurer från jokkgeo. "
        "Alla analyser i SWEREF 99 TM (EPSG:3006); restider och zoner är ungefärliga."
        if sv else
        "Interactive maps (open in a browser with no network) and print-ready figures made by jokkgeo. "
        "All analyses in SWEREF 99 TM (EPSG:3006); travel times and zones are approximate."
    )
    parts = [
        "<!DOCTYPE html>", f'<html lang="{"sv" if sv else "en"}"><head><meta charset="utf-8">',
        f"<title>{e(head)}</title>",
        "<style>body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;"
        "color:#222}h2{margin-top:1.6em}li{margin:.2em 0}.cav{font-size:.9em;color:#444}"
        ".flag{background:#ffd8d8;border:1px solid #c92a2a;padding:0 4px;border-radius:3px}</style>",
        "</head><body>", f"<h1>{e(head)}</h1>", f"<p>{e(intro)}</p>",
    ]
    if manifest.get("public"):
        parts.append(f'<p><span class="flag">{e("Publik version" if sv else "Public version")}</span> '
                     + e("Känsliga lager är utelämnade." if sv else "Restricted layers are left out.") + "</p>")
    for run in runs:
        rid = run.recipe.id
        doc = run.document
        parts.append(f"<h2>{e(doc.title)}</h2>")
        if doc.description:
            parts.append(f"<p>{e(doc.description)}</p>")
        figs = " · ".join(
            f'<a href="figures/{e(rid)}.{fmt}">{fmt.upper()}</a>' for fmt in run.recipe.figure.formats
        )
        parts.append(f'<ul><li><a href="maps/{e(rid)}.html">{e("Interaktiv karta" if sv else "Interactive map")}</a>'
                     f"</li><li>{e('Figur' if sv else 'Figure')}: {figs}</li>")
        tables = [n for _, out in run.outputs for n in out.tables]
        if tables:
            links = ", ".join(f'<a href="tables/{e(rid)}__{e(n)}.csv">{e(n)}</a>' for n in tables)
            parts.append(f"<li>{e('Tabeller' if sv else 'Tables')}: {links}</li>")
        rasters = [n for _, out in run.outputs for n in out.rasters]
        if rasters:
            links = ", ".join(f'<a href="rasters/{e(rid)}__{e(n)}.tif">{e(n)}</a>' for n in rasters)
            parts.append(f"<li>{e('Rasterytor (GeoTIFF, EPSG:3006)' if sv else 'Raster surfaces (GeoTIFF, EPSG:3006)')}: "
                         f"{links}</li>")
        parts.append("</ul>")
        parts.append(f"<p><b>{e(text('layers', language))}:</b> {e(', '.join(lay.title for lay in doc.layers))}</p>")
        cav = doc.caveat_lines()
        if cav:
            parts.append('<ul class="cav">' + "".join(f"<li>{e(c)}</li>" for c in cav) + "</ul>")
        notes = [n for _, out in run.outputs for n in out.notes]
        if notes:
            parts.append('<ul class="cav">' + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    parts.append(f"<h2>{e('Resultat och underlag' if sv else 'Results and inputs')}</h2><ul>")
    parts.append(f'<li><a href="results.gpkg">results.gpkg</a> — '
                 f'{e("alla analysresultat som namngivna lager, EPSG:3006 (öppnas i QGIS)" if sv else "all analysis results as named layers, EPSG:3006 (opens in QGIS)")}</li>')
    parts.append(f'<li><a href="manifest.json">manifest.json</a> — '
                 f'{e("indata med kontrollsummor och licenser, parametrar, versioner, förbehåll, körtid" if sv else "inputs with checksums and licences, parameters, versions, caveats, time of run")}</li></ul>')
    parts.append(f"<h2>{e('Källor' if sv else 'Sources')}</h2><ul>")
    for rec in manifest["inputs"]:
        parts.append(f"<li>{e(rec['title'])}: {e(rec['attribution'])} ({e(rec['licence'])})"
                     + (f" — {e(text('illustrative', language))}" if rec["illustrative"] else "")
                     + (f" — {e(text('restricted', language))}" if rec["sensitivity"] == "restricted" else "")
                     + "</li>")
    parts.append("</ul></body></html>\n")
    return "\n".join(parts)


__all__ = ["index_html"]
