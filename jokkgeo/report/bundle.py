"""Writing a report bundle: maps, figures, ``results.gpkg``, tables, rasters, ``manifest.json``, index.

Re-running with the same inputs gives byte-identical files except
``manifest.json``'s ``created_utc`` (element ids in the HTML are deterministic,
figure metadata is fixed and the GeoPackage timestamps are pinned).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from jokkgeo import i18n
from jokkgeo.config.layers import LayerSpec
from jokkgeo.errors import AnalysisError
from jokkgeo.io.write import BUNDLE_MARKER, LayerMetadata
from jokkgeo.present.metadata import result_metadata
from jokkgeo.report.index import index_html
from jokkgeo.report.runners import RecipeRun
from jokkgeo.settings import WORKING_CRS, Settings
from jokkgeo.study.store import LayerStore

GPKG_DATE = "2000-01-01T00:00:00.000Z"
"""Timestamp written into ``gpkg_contents.last_change`` so GeoPackages are reproducible."""

REPORT_PACKAGES: tuple[str, ...] = (
    "jokkgeo", "numpy", "pandas", "shapely", "geopandas", "pyogrio", "pyproj", "rasterio", "scipy",
    "networkx", "osmnx", "folium", "branca", "matplotlib", "matplotlib-scalebar", "pyyaml",
)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's content (read in 1 MiB chunks).

    Parameters
    ----------
    path
        The file.
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def package_versions(names: Sequence[str] = REPORT_PACKAGES) -> dict[str, str | None]:
    """Installed version of each package (``None`` when not installed), for the manifest.

    Parameters
    ----------
    names
        Distribution names.
    """
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


def _write_gpkg(layers: Mapping[str, gpd.GeoDataFrame], path: Path,
               metadata: Mapping[str, LayerMetadata] | None = None) -> None:
    import pyogrio

    from jokkgeo.io.write import write_gpkg_layers

    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_DATE})
    try:
        write_gpkg_layers(dict(layers), path, metadata=metadata)
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


def disclosure_threshold(store: LayerStore) -> int:
    """The disclosure threshold of a run: the largest ``population.disclosure_threshold`` of the
    population-theme layers used (default :data:`jokkgeo.config.layers.DEFAULT_DISCLOSURE_THRESHOLD`).

    Parameters
    ----------
    store
        The layers of the run.
    """
    from jokkgeo.config.layers import DEFAULT_DISCLOSURE_THRESHOLD

    values = [spec.population.disclosure_threshold for spec in store.used.values()
              if getattr(spec, "population", None) is not None]
    return max([DEFAULT_DISCLOSURE_THRESHOLD, *values])


def disclose_runs(runs: Sequence[RecipeRun], threshold: int, language: str = "sv") -> tuple[list[RecipeRun], int]:
    """Copies of the runs safe for a public bundle: counts of people from 1 to ``threshold - 1`` hidden.

    Map layers and tables show them as ``"< 5"`` (text), result layers (GeoPackage) leave them empty;
    other counts are rounded to whole people (:func:`jokkgeo.analysis.population.disclose`). A map or
    table that had such columns gets the disclosure caveat (totals are not the sum of the cells shown).
    The runs given are not modified.

    Parameters
    ----------
    runs
        The recipe runs.
    threshold
        Smallest count shown exactly (see :func:`disclosure_threshold`).
    language
        Language of the caveat.

    Returns
    -------
    tuple
        The new runs and the number of values hidden.
    """
    from dataclasses import replace

    from jokkgeo.analysis.population import disclose, disclosure_columns

    caveat = i18n.text("population.disclosure", language, threshold=threshold)
    hidden = 0
    out_runs = []
    for run in runs:
        touched = False
        layers = []
        for lay in run.document.layers:
            if lay.data is not None and disclosure_columns(lay.data):
                data, n = disclose(lay.data, threshold, as_text=True)
                hidden, touched = hidden + n, True
                lay = replace(lay, data=data)
            layers.append(lay)
        outputs = []
        for spec, out in run.outputs:
            results, tables = dict(out.results), dict(out.tables)
            found = False
            for name, gdf in results.items():
                if disclosure_columns(gdf):
                    results[name], n = disclose(gdf, threshold)
                    hidden, found = hidden + n, True
            for name, table in tables.items():
                if disclosure_columns(table):
                    tables[name], n = disclose(table, threshold, as_text=True)
                    hidden, found = hidden + n, True
            if found:
                touched = True
                out = replace(out, results=results, tables=tables,
                              caveats=[*out.caveats, *([caveat] if caveat not in out.caveats else [])])
            outputs.append((spec, out))
        document = run.document
        if touched:
            document = replace(document, layers=layers,
                               caveats=[*document.caveats, *([caveat] if caveat not in document.caveats else [])])
        out_runs.append(replace(run, document=document, outputs=outputs))
    return out_runs, hidden


def write_bundle(root: Path, runs: list[RecipeRun], store: LayerStore, *, settings: Settings, public: bool,
                  figures: bool, now: datetime | None) -> dict[str, Any]:
    """Write maps, figures, result layers, index page and ``manifest.json`` of the runs; return the manifest.

    Parameters
    ----------
    root
        The bundle folder (exists, empty).
    runs
        The recipe runs, in report order.
    store
        The layers of the run (used and omitted layers go into the manifest).
    settings
        Language, overwrite and project root.
    public
        Restricted layers and results derived from them were left out.
    figures
        Also write the print figures.
    now
        Time of the run (default: now, UTC).
    """
    from jokkgeo.io.write import write_figure, write_table, write_text
    from jokkgeo.render.static import static_figure
    from jokkgeo.render.web import render_html, web_map, with_back_link
    from jokkgeo.report.index import excel_csv, key_figure_tables

    lang = settings.language
    disclosure: dict[str, Any] | None = None
    if public:  # counts of people under the threshold are never shown exactly in a public bundle
        threshold = disclosure_threshold(store)
        runs, n_hidden = disclose_runs(runs, threshold, lang)
        disclosure = {"threshold": threshold, "n_hidden": n_hidden,
                      "rule": i18n.text("population.disclosure", lang, threshold=threshold)}
    results: dict[str, gpd.GeoDataFrame] = {"map_extents": _extent_layer(runs)}
    metadata: dict[str, LayerMetadata] = {"map_extents": LayerMetadata(
        i18n.text("meta.extents", lang), i18n.text("meta.extents_description", lang))}
    empty_results: list[str] = []
    recipe_records: list[dict[str, Any]] = []
    for run in runs:
        rid = run.recipe.id
        titles = next((out.parameters["pane_titles"] for _spec, out in run.outputs
                       if "pane_titles" in out.parameters), None)
        if titles is not None:  # a scenario comparison: baseline and scenario side by side
            from jokkgeo.render.compare import comparison_figure_of, comparison_html

            html_text = comparison_html(run.document, titles=titles,
                                        summary=[n for _s, out in run.outputs for n in out.notes])
        else:
            html_text = render_html(web_map(run.document))
        html_text = with_back_link(html_text, "../index.html", i18n.text("front.back", lang))
        write_text(root / "maps" / f"{rid}.html", html_text)
        fig_paths: list[str] = []
        if figures:
            has_outline = "boundary" in store.catalogue and store.allowed("boundary")  # for the locator map
            locator = store.layer("boundary") if has_outline else None
            if titles is not None:
                fig, _ax = comparison_figure_of(run.document, titles=titles, figure=run.recipe.figure, locator=locator)
            else:
                fig, _ax = static_figure(run.document, figure=run.recipe.figure, locator=locator)
            written = write_figure(fig, root / "figures" / rid, formats=run.recipe.figure.formats,
                                   dpi=run.recipe.figure.dpi)
            fig_paths = [p.relative_to(root).as_posix() for p in written]
        analyses = []
        for spec, out in run.outputs:
            written_layers: list[str] = []
            specs = [store.catalogue[lid] for lid in out.inputs if lid in store.catalogue]

            def meta(name: str, spec: Any = spec, out: Any = out, specs: list[Any] = specs, rid: str = rid,
                     title: str = run.document.title) -> LayerMetadata:
                return result_metadata(
                    i18n.text("meta.title", lang, recipe=title, name=name),
                    i18n.text("meta.result", lang, name=name, type=spec.type, recipe=rid),
                    specs=specs, provenance=out.provenance, caveats=out.caveats, language=lang)
            for name, gdf in out.results.items():
                if not gdf.geometry.notna().any():
                    # an empty layer has no geometry type; QGIS/GDAL show it as "Unknown"
                    empty_results.append(f"{rid}__{name}")
                    continue
                for part_name, part in _split_by_geometry(f"{rid}__{name}", gdf).items():
                    results[part_name] = _gpkg_ready(part_name, part[part.geometry.notna()])
                    metadata[part_name] = meta(name)
                    written_layers.append(part_name)
            for name, (array, transform, nodata) in out.rasters.items():
                from jokkgeo.io.write import write_raster

                write_raster(array, root / "rasters" / f"{rid}__{name}.tif", transform=transform, crs=WORKING_CRS,
                             nodata=nodata, metadata=meta(name))
            for name, table in out.tables.items():
                frame = pd.DataFrame(table.drop(columns=table.geometry.name)) if isinstance(
                    table, gpd.GeoDataFrame) else table
                write_table(frame, root / "tables" / f"{rid}__{name}.csv", metadata=meta(name))
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
    _write_gpkg(results, root / "results.gpkg", metadata)
    for name, (_title, frame) in key_figure_tables(runs, lang).items():  # front-page figures for Swedish Excel
        write_text(root / "tables" / f"{name}.csv", excel_csv(frame, lang))
    hashes: dict[Path, str] = {}
    inputs = [_input_record(spec, settings.project_root, hashes) for _, spec in sorted(store.used.items())]
    all_caveats: list[str] = []
    for rec in recipe_records:
        for c in rec["caveats"]:
            if c not in all_caveats:
                all_caveats.append(c)
    outputs = {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*"))
               if p.is_file() and p.name != BUNDLE_MARKER}  # the marker holds the time of the run
    manifest: dict[str, Any] = {
        "jokkgeo_report": 1,
        "created_utc": (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds"),
        "reproducibility": "Re-running with the same inputs gives the same files; only created_utc differs.",
        "language": lang,
        "public": public,
        "crs": WORKING_CRS,
        "parameters": {"public": public, "language": lang, "figures": figures},
        "recipes": recipe_records,
        "inputs": inputs,
        "disclosure": disclosure,
        "omitted_restricted": [{"layer": k, "reason": v} for k, v in sorted(store.omitted.items())],
        "load_warnings": store.load_notes,
        "results_gpkg_layers": sorted(results),
        "empty_results": empty_results,
        "caveats": all_caveats,
        "packages": package_versions(),
        "outputs_sha256": outputs,
    }
    write_text(root / "manifest.json", json.dumps(_jsonable(manifest), ensure_ascii=False, indent=2) + "\n")
    write_text(root / "index.html", index_html(runs, manifest, lang))
    return manifest


__all__ = ["GPKG_DATE", "disclose_runs", "disclosure_threshold", "package_versions", "sha256_file", "write_bundle"]
