"""The survey-report bundle: run map recipes, render maps and figures, write results.

:func:`build_report` runs every recipe of a folder (``maps/*.yaml``) on the layer
catalogue and writes one folder::

    DIR/index.html           links to every map and figure, with a short description
    DIR/maps/<id>.html       self-contained interactive maps (no network needed)
    DIR/figures/<id>.png|svg|pdf   print figures (A4 landscape, 300 dpi)
    DIR/results.gpkg         analysis results, one named layer each, EPSG:3006
    DIR/tables/<id>__<name>.csv    result tables
    DIR/manifest.json        inputs (sha256, licence), parameters, versions, caveats, time

The whole folder is built in a temporary sibling folder and renamed into place,
so a failed run leaves an earlier bundle untouched; an existing folder is only
replaced with ``overwrite=True``. With ``public=True`` restricted layers (and
analysis results derived from them) are left out and listed in the manifest.

Re-running with the same inputs gives byte-identical files except
``manifest.json``'s ``created_utc`` (element ids in the HTML are deterministic,
figure metadata is fixed and the GeoPackage timestamps are pinned).

Analyses are dispatched through :data:`ANALYSES` (``type`` -> runner). A runner
takes ``(spec, ctx)`` and returns an :class:`AnalysisOutput`; add new types with
:func:`register_analysis`.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from jokkgeo.catalogue import Catalogue, LayerSpec
from jokkgeo.errors import AnalysisError, OutputExistsError
from jokkgeo.recipes import AnalysisSpec, Recipe, load_recipes
from jokkgeo.render.document import MapDocument, MapLayer, layer_from_spec, text
from jokkgeo.settings import WORKING_CRS, Settings

log = logging.getLogger(__name__)

GPKG_DATE = "2000-01-01T00:00:00.000Z"
"""Timestamp written into ``gpkg_contents.last_change`` so GeoPackages are reproducible."""

REPORT_PACKAGES: tuple[str, ...] = (
    "jokkgeo", "numpy", "pandas", "shapely", "geopandas", "pyogrio", "pyproj", "rasterio", "scipy",
    "networkx", "osmnx", "folium", "branca", "matplotlib", "matplotlib-scalebar", "pyyaml",
)


@dataclass
class AnalysisOutput:
    """What one analysis section adds to a bundle."""

    layers: list[MapLayer] = field(default_factory=list)
    """Shown on the map and figure (legend order)."""
    results: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    """Written to ``results.gpkg`` as ``<recipe>__<name>``."""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    """Written to ``tables/<recipe>__<name>.csv``."""
    parameters: dict[str, Any] = field(default_factory=dict)
    caveats: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things the reader must know (skipped parts, omitted restricted inputs)."""
    rasters: dict[str, tuple[Any, Any, float]] = field(default_factory=dict)
    """``name -> (array, transform, nodata)`` written to ``rasters/<recipe>__<name>.tif`` (EPSG:3006)."""


class RunContext:
    """Shared state of one report run: catalogue, settings, loaded layers, inputs used."""

    def __init__(self, catalogue: Catalogue, settings: Settings, *, public: bool = False) -> None:
        self.catalogue = catalogue
        self.settings = settings
        self.public = public
        self.language = settings.language
        self._cache: dict[str, Any] = {}
        self.used: dict[str, LayerSpec] = {}
        self.omitted: dict[str, str] = {}
        self.load_notes: dict[str, list[str]] = {}
        self.extra: dict[str, Any] = {}
        """Objects shared between analyses of one run (e.g. the road network)."""

    def allowed(self, layer_id: str) -> bool:
        """False for a restricted layer in a public bundle (and records the omission)."""
        spec = self.catalogue[layer_id]
        if self.public and spec.restricted:
            self.omitted.setdefault(layer_id, f"{spec.label(self.language)}: sensitivity restricted")
            return False
        return True

    def loaded(self, layer_id: str) -> Any:
        """The :class:`jokkgeo.io.vector.LoadedLayer` of a catalogue layer (read once)."""
        if layer_id not in self._cache:
            from jokkgeo.io.vector import read_layer

            spec = self.catalogue[layer_id]
            loaded = read_layer(spec)
            self._cache[layer_id] = loaded
            report = getattr(loaded, "report", None)
            warnings = list(getattr(report, "warnings", []) or [])
            if warnings:
                self.load_notes[layer_id] = warnings
        self.used[layer_id] = self.catalogue[layer_id]
        return self._cache[layer_id]

    def layer(self, layer_id: str, where: Mapping[str, Sequence[Any]] | None = None) -> gpd.GeoDataFrame:
        """A catalogue layer in EPSG:3006, optionally filtered by ``where`` (equality/membership)."""
        gdf = self.loaded(layer_id).gdf
        for column, values in (where or {}).items():
            if column not in gdf.columns:
                raise AnalysisError(
                    f"layer '{layer_id}': no column '{column}' to filter on; columns: {', '.join(map(str, gdf.columns))}"
                )
            gdf = gdf[gdf[column].isin(list(values))]
        return gdf


Runner = Callable[[AnalysisSpec, RunContext], AnalysisOutput]
ANALYSES: dict[str, Runner] = {}
"""Analysis ``type`` -> runner. Extend with :func:`register_analysis`."""


def register_analysis(name: str) -> Callable[[Runner], Runner]:
    """Decorator adding a runner to :data:`ANALYSES` under ``name``."""

    def deco(fn: Runner) -> Runner:
        ANALYSES[name] = fn
        return fn

    return deco


# Runners live in jokkgeo.report_analyses (imported at the end of this module).


# ------------------------------------------------------------------------------ documents


def _resolve_extent(recipe: Recipe, ctx: RunContext) -> tuple[float, float, float, float] | None:
    ext = recipe.extent
    pad = recipe.extent_buffer_m
    if ext is None:
        return None
    if isinstance(ext, tuple):
        box = ext
    elif ext == "study_area":
        gdf = ctx.layer("boundary")
        if "is_study_area" in gdf.columns:
            gdf = gdf[gdf["is_study_area"].astype(bool)]
        box = tuple(gdf.total_bounds)
    elif ext in set(ctx.catalogue):
        box = tuple(ctx.layer(ext).total_bounds)
    else:
        found = None
        for lid in ("investment_areas", "investment_sites"):
            if lid in set(ctx.catalogue):
                gdf = ctx.layer(lid)
                if "site_id" in gdf.columns and (gdf["site_id"] == ext).any():
                    found = tuple(gdf[gdf["site_id"] == ext].total_bounds)
                    break
        if found is None:
            raise AnalysisError(
                f"{recipe.path}: key 'extent': '{ext}' is neither 'study_area', a layer id nor a site_id of "
                "investment_areas/investment_sites"
            )
        box = found
    xmin, ymin, xmax, ymax = (float(v) for v in box)
    return (xmin - pad, ymin - pad, xmax + pad, ymax + pad)


def _apply_legend_order(layers: list[MapLayer], order: Sequence[str]) -> list[MapLayer]:
    first = [lay for oid in order for lay in layers if lay.id == oid]
    return first + [lay for lay in layers if lay not in first]


@dataclass
class RecipeRun:
    recipe: Recipe
    document: MapDocument
    outputs: list[tuple[AnalysisSpec, AnalysisOutput]]


def run_recipe(recipe: Recipe, ctx: RunContext) -> RecipeRun:
    """Load the recipe's layers, run its analyses and build its :class:`MapDocument`."""
    lang = ctx.language
    layers: list[MapLayer] = []
    for rl in recipe.layers:
        if not ctx.allowed(rl.id):
            continue
        spec = ctx.catalogue[rl.id]
        gdf = ctx.layer(rl.id, rl.where)
        lay = layer_from_spec(spec, gdf, language=lang, style_overrides=rl.style, show=rl.show)
        title = rl.title_en if lang == "en" and rl.title_en else rl.title
        if title:
            lay.title = title
            lay.style = lay.style.with_title(title)
        layers.append(lay)
    outputs = []
    caveats = recipe.caveat_texts(lang)
    for spec in recipe.analyses:
        log.info("recipe %s: running %s", recipe.id, spec.type)
        out = ANALYSES[spec.type](spec, ctx)
        outputs.append((spec, out))
        layers.extend(out.layers)
        for c in out.caveats:
            if c not in caveats:
                caveats.append(c)
    doc = MapDocument(
        id=recipe.id,
        title=recipe.label(lang),
        description=recipe.description_text(lang),
        layers=_apply_legend_order(layers, recipe.legend_order),
        extent=_resolve_extent(recipe, ctx),
        caveats=caveats,
        language=lang,
        simplify_m=recipe.simplify_m,
    )
    return RecipeRun(recipe, doc, outputs)


# ------------------------------------------------------------------------------ bundle


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def package_versions(names: Sequence[str] = REPORT_PACKAGES) -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def _input_record(spec: LayerSpec, root: Path, hashes: dict[Path, str]) -> dict[str, Any]:
    path = spec.source.path
    if path not in hashes:
        hashes[path] = sha256_file(path) if path.exists() else ""
    try:
        shown = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = str(path)
    return {
        "layer": spec.id,
        "title": spec.title,
        "path": shown,
        "source_layer": spec.source.layer,
        "sha256": hashes[path],
        "licence": spec.licence,
        "attribution": spec.attribution,
        "provenance": spec.provenance,
        "accuracy_m": spec.accuracy_m,
        "sensitivity": spec.sensitivity,
        "illustrative": spec.illustrative,
        "consent": spec.consent,
        "caveat": spec.caveat,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _index_html(runs: list[RecipeRun], manifest: dict[str, Any], language: str) -> str:
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


def _write_gpkg(layers: Mapping[str, gpd.GeoDataFrame], path: Path) -> None:
    import pyogrio

    from jokkgeo.io.write import write_gpkg_layers

    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_DATE})
    try:
        write_gpkg_layers(dict(layers), path)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def _gpkg_ready(name: str, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy fit for GeoPackage: EPSG:3006, simple column types, a geometry column."""
    if gdf.crs is None or not gdf.crs.equals(WORKING_CRS):
        raise AnalysisError(f"result '{name}' is in {gdf.crs}, expected {WORKING_CRS}")
    out = gdf.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        series = out[col]
        if series.dtype == object:
            non_null = series.dropna()
            if len(non_null) and not all(isinstance(v, (str, int, float, bool)) for v in non_null):
                out[col] = series.map(lambda v: None if v is None else (json.dumps(_jsonable(v), ensure_ascii=False)
                                                                      if not isinstance(v, str) else v))
    return out.reset_index(drop=True)


_GEOMETRY_SUFFIX = {"Point": "points", "LineString": "lines", "Polygon": "polygons"}


def _split_by_geometry(name: str, gdf: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """One layer per geometry family, so every GeoPackage layer has one geometry type.

    A result that mixes e.g. polygons and lines becomes ``<name>_polygons`` and
    ``<name>_lines``; single/multi parts of one family stay together (written as multi).
    """
    kinds = gdf.geometry.geom_type.str.replace("Multi", "", regex=False)
    present = [k for k in _GEOMETRY_SUFFIX if (kinds == k).any()]
    if len(present) <= 1:
        return {name: gdf}
    return {f"{name}_{_GEOMETRY_SUFFIX[k]}": gdf[(kinds == k).to_numpy()] for k in present}


def _extent_layer(runs: list[RecipeRun]) -> gpd.GeoDataFrame:
    from shapely.geometry import box

    rows = [{"recipe": r.recipe.id, "title": r.document.title, "n_layers": len(r.document.layers)} for r in runs]
    geoms = [box(*r.document.full_extent()) for r in runs]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=WORKING_CRS)


def build_report(
    out_dir: str | Path,
    *,
    settings: Settings,
    catalogue: Catalogue | None = None,
    recipes_dir: str | Path | None = None,
    recipes: Sequence[Recipe] | None = None,
    public: bool = False,
    figures: bool = True,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Run map recipes and write the report bundle to ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder to create. An existing folder is replaced only with ``settings.overwrite``.
    settings
        Project root, language, overwrite and allow_outside.
    catalogue
        Layer catalogue (default: ``settings.catalog_dir``).
    recipes_dir
        Folder of recipe YAML files (default: ``<project>/maps``); ignored when ``recipes`` is given.
    public
        Leave out restricted layers and results derived from them.
    figures
        Also render the print figures (PNG/SVG/PDF).
    now
        Time of the run recorded in the manifest (default: now, UTC).

    Returns
    -------
    dict
        The manifest written to ``manifest.json``.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not settings.overwrite:
        raise OutputExistsError(f"{out_dir}: already exists; pass --overwrite to replace the report folder")
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputExistsError(f"{out_dir}: exists and is not a folder; choose another --out")
    if catalogue is None:
        catalogue = Catalogue.from_dir(settings.catalog_dir, root=settings.project_root,
                                       allow_outside=settings.allow_outside)
    if recipes is None:
        recipes = load_recipes(Path(recipes_dir) if recipes_dir else settings.project_root / "maps",
                               layer_ids=list(catalogue), known_types=ANALYSES)
    ctx = RunContext(catalogue, settings, public=public)
    runs = [run_recipe(r, ctx) for r in recipes]

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        manifest = _write_bundle(tmp, runs, ctx, settings=settings, public=public, figures=figures, now=now)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.replace(out_dir, old / "bundle")
            os.replace(tmp, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    log.info("report written to %s (%d recipes)", out_dir, len(runs))
    return manifest


def _write_bundle(root: Path, runs: list[RecipeRun], ctx: RunContext, *, settings: Settings, public: bool,
                  figures: bool, now: datetime | None) -> dict[str, Any]:
    from jokkgeo.io.write import write_table, write_text
    from jokkgeo.render.static import save_figure, static_figure
    from jokkgeo.render.web import render_html, web_map

    lang = settings.language
    results: dict[str, gpd.GeoDataFrame] = {"map_extents": _extent_layer(runs)}
    empty_results: list[str] = []
    recipe_records = []
    for run in runs:
        rid = run.recipe.id
        titles = next((out.parameters["pane_titles"] for _spec, out in run.outputs
                       if "pane_titles" in out.parameters), None)
        if titles is not None:  # a scenario comparison: baseline and scenario side by side
            from jokkgeo.render.compare import comparison_figure_of, comparison_html

            html_text = comparison_html(run.document, titles=titles)
        else:
            html_text = render_html(web_map(run.document))
        write_text(root / "maps" / f"{rid}.html", html_text)
        fig_paths: list[str] = []
        if figures:
            if titles is not None:
                fig, _ax = comparison_figure_of(run.document, titles=titles, size_in=run.recipe.figure.size_in,
                                                dpi=run.recipe.figure.dpi)
            else:
                fig, _ax = static_figure(run.document, size_in=run.recipe.figure.size_in,
                                         dpi=run.recipe.figure.dpi)
            written = save_figure(fig, root / "figures" / rid, formats=run.recipe.figure.formats,
                                  dpi=run.recipe.figure.dpi)
            fig_paths = [p.relative_to(root).as_posix() for p in written]
        analyses = []
        for spec, out in run.outputs:
            written_layers: list[str] = []
            for name, gdf in out.results.items():
                if not gdf.geometry.notna().any():
                    # an empty layer has no geometry type; QGIS/GDAL show it as "Unknown"
                    empty_results.append(f"{rid}__{name}")
                    continue
                for part_name, part in _split_by_geometry(f"{rid}__{name}", gdf).items():
                    results[part_name] = _gpkg_ready(part_name, part[part.geometry.notna()])
                    written_layers.append(part_name)
            for name, (array, transform, nodata) in out.rasters.items():
                from jokkgeo.io.write import write_raster

                write_raster(array, root / "rasters" / f"{rid}__{name}.tif", transform=transform, crs=WORKING_CRS,
                             nodata=nodata)
            for name, table in out.tables.items():
                frame = pd.DataFrame(table.drop(columns=table.geometry.name)) if isinstance(
                    table, gpd.GeoDataFrame) else table
                write_table(frame, root / "tables" / f"{rid}__{name}.csv")
            analyses.append({
                "type": spec.type,
                "recipe_parameters": _jsonable(dict(spec.params)),
                # timings ("*_seconds") are left out so the manifest is reproducible
                "parameters": _jsonable({k: v for k, v in out.parameters.items() if not str(k).endswith("_seconds")}),
                "results": written_layers,
                "tables": [f"tables/{rid}__{n}.csv" for n in out.tables],
                "rasters": [f"rasters/{rid}__{n}.tif" for n in out.rasters],
                "caveats": out.caveats,
                "notes": out.notes,
            })
        recipe_records.append({
            "id": rid,
            "title": run.document.title,
            "description": run.document.description,
            "recipe_file": run.recipe.path.name,
            "map": f"maps/{rid}.html",
            "figures": fig_paths,
            "layers": [lay.id for lay in run.document.layers],
            "extent_epsg3006": [round(v, 1) for v in run.document.full_extent()],
            "analyses": analyses,
            "caveats": run.document.caveat_lines(),
        })
    _write_gpkg(results, root / "results.gpkg")
    hashes: dict[Path, str] = {}
    inputs = [_input_record(spec, settings.project_root, hashes) for _, spec in sorted(ctx.used.items())]
    all_caveats: list[str] = []
    for rec in recipe_records:
        for c in rec["caveats"]:
            if c not in all_caveats:
                all_caveats.append(c)
    outputs = {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*")) if p.is_file()}
    manifest: dict[str, Any] = {
        "jokkgeo_report": 1,
        "created_utc": (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds"),
        "reproducibility": "Re-running with the same inputs gives the same files; only created_utc differs.",
        "language": lang,
        "public": public,
        "crs": WORKING_CRS,
        "parameters": {"public": public, "language": lang, "figures": figures},
        "recipes": recipe_records,
        "inputs": inputs,
        "omitted_restricted": [{"layer": k, "reason": v} for k, v in sorted(ctx.omitted.items())],
        "load_warnings": ctx.load_notes,
        "results_gpkg_layers": sorted(results),
        "empty_results": empty_results,
        "caveats": all_caveats,
        "packages": package_versions(),
        "outputs_sha256": outputs,
    }
    write_text(root / "manifest.json", json.dumps(_jsonable(manifest), ensure_ascii=False, indent=2) + "\n")
    write_text(root / "index.html", _index_html(runs, manifest, lang))
    return manifest


from jokkgeo import report_analyses as _report_analyses  # noqa: E402,F401  (registers the runners)
from jokkgeo import report_compare as _report_compare  # noqa: E402,F401  (registers the "compare" type)

__all__ = [
    "ANALYSES",
    "AnalysisOutput",
    "RunContext",
    "RecipeRun",
    "build_report",
    "register_analysis",
    "run_recipe",
]
