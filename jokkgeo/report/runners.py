"""Recipe runners: one function per analysis ``type`` of a map recipe, in one explicit table.

:data:`RECIPE_TYPES` maps each ``type`` to its runner. A runner takes
``(spec, ctx)`` -- the recipe section and the :class:`RecipeContext` of the run
(settings and the one :class:`~jokkgeo.study.store.LayerStore`, which leaves
restricted layers out of public bundles) -- and returns an :class:`AnalysisOutput`:
map layers, results for ``results.gpkg``, tables, parameters and caveats.
To add a type, add a runner and a row to :data:`RECIPE_TYPES` (or pass an extended
table to :func:`jokkgeo.report.build_report`).

Recipe sections::

    - type: conflicts
      development: [investment_areas, {layer: roads}]        # ids or {layer, where}
      sensitive: [reindeer_calving_land, reindeer_migration_routes]
      rules: rules/my_rules.yaml                              # optional, default packaged rules
      crossings: true                                         # migration-route crossings

    - type: catchments
      sites: investment_sites
      site_ids: [kallak, jokkmokk_industri]
      minutes: [30, 45, 60, 90]
      season: summer

    - type: influence
      development: [investment_areas, roads, power_lines]     # layers to build surfaces from
      cell_m: 500

    - type: screening                                         # housing land against constraints
      candidates: housing_land

    - type: compare                                           # baseline vs scenario (see run_compare)
      scenario: kallak_rail
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from jokkgeo import i18n
from jokkgeo.config.recipes import AnalysisSpec, Recipe
from jokkgeo.errors import AnalysisError, CatalogueError, JokkgeoError
from jokkgeo.present.catchments import (
    catchment_layers,
    catchments_title,
    labelled_bands,
    people_by_band,
    site_names,
    with_people,
)
from jokkgeo.present.conflicts import citations_caveat, conflict_layers, shown_geometries, skipped_rule_notes
from jokkgeo.present.influence import DEFAULT_BINS, influence_layer
from jokkgeo.present.screening import screening_layer
from jokkgeo.render.document import MapDocument, MapLayer, layer_from_spec, text
from jokkgeo.settings import Settings
from jokkgeo.study.store import LayerStore

log = logging.getLogger(__name__)


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
    inputs: list[str] = field(default_factory=list)
    """Catalogue layer ids the outputs were derived from (their caveats, sources, restricted flag)."""
    provenance: Any = None
    """The analysis result's :class:`~jokkgeo.results.Provenance` (caveats, citations), if any."""
    popup_columns: dict[str, tuple[pd.DataFrame, tuple[Any, ...]]] = field(default_factory=dict)
    """``layer id -> (columns, popup fields)``: values added to the popups of that recipe layer (the
    columns are aligned on the layer's index), e.g. each settlement's minutes to every site."""


@dataclass
class RecipeContext:
    """What every runner of one report run shares: the settings and the one layer store."""

    settings: Settings
    store: LayerStore

    @property
    def language(self) -> str:
        return self.settings.language


Runner = Callable[[AnalysisSpec, RecipeContext], AnalysisOutput]


def _resolve_extent(recipe: Recipe, ctx: RecipeContext) -> tuple[float, float, float, float] | None:
    ext = recipe.extent
    pad = recipe.extent_buffer_m
    if ext is None:
        return None
    if isinstance(ext, tuple):
        box = ext
    elif ext == "study_area":
        gdf = ctx.store.layer("boundary")
        if "is_study_area" in gdf.columns:
            gdf = gdf[gdf["is_study_area"].astype(bool)]
        box = tuple(gdf.total_bounds)
    elif ext in set(ctx.store.catalogue):
        box = tuple(ctx.store.layer(ext).total_bounds)
    else:
        found = None
        for lid in ("investment_areas", "investment_sites"):
            if lid in set(ctx.store.catalogue):
                gdf = ctx.store.layer(lid)
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


def run_recipe(recipe: Recipe, ctx: RecipeContext, recipe_types: Mapping[str, Runner] | None = None) -> RecipeRun:
    """Load the recipe's layers, run its analyses and build its :class:`MapDocument`.

    Parameters
    ----------
    recipe
        The map recipe (layers, analyses, extent, legend order).
    ctx
        The run's settings and layer store.
    recipe_types
        ``analyses[].type -> runner`` (default :data:`RECIPE_TYPES`).
    """
    recipe_types = RECIPE_TYPES if recipe_types is None else recipe_types
    lang = ctx.language
    layers: list[MapLayer] = []
    omitted: list[str] = []
    for rl in recipe.layers:
        if not ctx.store.allowed(rl.id):
            omitted.append(rl.id)
            continue
        spec = ctx.store.catalogue[rl.id]
        gdf = ctx.store.layer(rl.id, rl.where)
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
        out = recipe_types[spec.type](spec, ctx)
        outputs.append((spec, out))
        layers.extend(out.layers)
        for c in out.caveats:
            if c not in caveats:
                caveats.append(c)
    for _s, out in outputs:
        for lay in layers:
            if lay.id in out.popup_columns and lay.data is not None:
                _add_popup_columns(lay, *out.popup_columns[lay.id], language=lang)
    omitted += [lid for _s, out in outputs for lid in out.parameters.get("omitted_restricted", [])]
    title, description = recipe.label(lang), recipe.description_text(lang)
    if ctx.store.public and omitted:  # say so on the map; the title no longer names what was left out
        title, description = public_title(recipe, [ctx.store.catalogue[i] for i in dict.fromkeys(omitted)
                                                   if i in ctx.store.catalogue], lang)
    doc = MapDocument(
        id=recipe.id,
        title=title,
        description=description,
        layers=_apply_legend_order(layers, recipe.legend_order),
        extent=_resolve_extent(recipe, ctx),
        caveats=caveats,
        language=lang,
        simplify_m=recipe.simplify_m,
    )
    from jokkgeo.present.context import map_context  # background, place labels, tiles (every map)

    doc.context = map_context(ctx.store, language=lang, basemap=recipe.basemap, exclude=[lay.id for lay in layers])
    return RecipeRun(recipe, doc, outputs)


def _add_popup_columns(lay: MapLayer, columns: pd.DataFrame, fields: tuple[Any, ...], *, language: str) -> None:
    """Join analysis values to a recipe layer and list them after its own popup rows."""
    from dataclasses import replace

    from jokkgeo.config.styles import PopupField
    from jokkgeo.render.popups import shown_fields

    assert lay.data is not None
    own = lay.style.popup or tuple(PopupField(f.field) for f in shown_fields((), lay.data, language))
    extra = columns.drop(columns=[c for c in columns.columns if c in lay.data.columns])
    lay.data = lay.data.join(extra, how="left")
    lay.style = replace(lay.style, popup=(*own, *fields))


def place_minutes(run: Any, places: gpd.GeoDataFrame, names: Mapping[str, str], *,
                  language: str) -> tuple[pd.DataFrame, tuple[Any, ...]]:
    """Minutes from each place to every site of a catchments run, and their popup rows.

    Parameters
    ----------
    run
        A :class:`~jokkgeo.workflows.catchments.CatchmentRun` (its network, sites and options).
    places
        The places (settlements) in EPSG:3006.
    names
        Site id -> site name (popup labels *Restid till <name>*).
    language
        ``"sv"`` or ``"en"``.

    Returns
    -------
    tuple
        ``(frame of minutes_<site_id> columns aligned on places, popup fields)``.
    """
    from jokkgeo.analysis.accessibility import accessibility
    from jokkgeo.config.styles import PopupField

    opts = run.options
    acc = accessibility(run.network, run.sites, places, minutes=[float(m) for m in opts.minutes],
                        profile=opts.season, site_id_col="site_id", direction=opts.direction, per_site=True)
    ids = [str(s) for s in run.sites["site_id"]]
    cols = [f"minutes_{sid}" for sid in ids if f"minutes_{sid}" in acc.places.columns]
    fields = tuple(PopupField(field=c, label=i18n.text("popup.minutes_to", "sv", site=names.get(c[8:], c[8:])),
                              label_en=i18n.text("popup.minutes_to", "en", site=names.get(c[8:], c[8:])),
                              format="count", unit="min") for c in cols)
    return pd.DataFrame(acc.places[cols]), fields


def public_title(recipe: Recipe, omitted: Sequence[Any], language: str) -> tuple[str, str]:
    """Title and description of a map whose restricted layers a public bundle left out.

    The title is the recipe's ``title_public`` when given; else its title when that names
    none of the left-out layers (their titles or theme names), else a neutral title. The
    description starts with a note that restricted layers were removed (their names are
    not repeated).

    Parameters
    ----------
    recipe
        The map recipe.
    omitted
        Catalogue specs of the restricted layers left out.
    language
        ``"sv"`` or ``"en"``.
    """
    from jokkgeo.render.document import theme_label

    lang = i18n.lang(language)
    # what names a left-out layer: its title, the first word of its title and its theme (stems of 7 letters)
    names = {spec.label(lang).lower() for spec in omitted}
    names |= {w.lower()[:7] for spec in omitted for w in (spec.label(lang).split() or [""])[:1] if len(w) >= 5}
    names |= {theme_label(spec.theme, lang).lower()[:7] for spec in omitted}

    def mentions(text_: str) -> bool:
        return any(name and name in text_.lower() for name in names)

    title = recipe.public_label(lang)
    if title is None:
        title = recipe.label(lang)
        if mentions(title):
            title = i18n.text("front.public_map_title", lang)
    note = i18n.text("front.public_map_note", lang)
    description = recipe.description_text(lang)
    return title, f"{note} {description}" if description and not mentions(description) else note


def _minutes(spec: AnalysisSpec, default: Sequence[float] | None) -> Any:
    """The section's ``minutes`` (a list of positive numbers) or ``default``."""
    minutes = spec.get("minutes", default)
    if minutes is not None and (not isinstance(minutes, Sequence) or not minutes or not all(
            isinstance(m, (int, float)) and not isinstance(m, bool) and m > 0 for m in minutes)):
        raise spec.fail("minutes", f"expected a list of positive minutes, got {minutes!r}")
    return minutes


def _known_layer(spec: AnalysisSpec, key: str, lid: str, ctx: RecipeContext) -> str:
    if lid not in set(ctx.store.catalogue):
        raise spec.fail(key, f"no layer '{lid}' in the catalogue; available: {', '.join(sorted(ctx.store.catalogue))}")
    return lid


def _selectors(spec: AnalysisSpec, key: str, ctx: RecipeContext, *, required: bool = True) -> list[tuple[str, dict]]:
    raw = spec.get(key)
    if raw is None:
        if required:
            raise spec.fail(key, "missing (required): a list of layer ids or {layer, where} mappings")
        return []
    if isinstance(raw, (str, Mapping)):
        raw = [raw]
    if not isinstance(raw, Sequence):
        raise spec.fail(key, f"expected a list of layer ids, got {raw!r}")
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            lid, where = item, {}
        elif isinstance(item, Mapping) and "layer" in item:
            lid, where = str(item["layer"]), dict(item.get("where") or {})
            where = {k: (list(v) if isinstance(v, (list, tuple)) else [v]) for k, v in where.items()}
        else:
            raise spec.fail(f"{key}[{i}]", f"expected a layer id or {{layer, where}}, got {item!r}")
        out.append((_known_layer(spec, f"{key}[{i}]", lid, ctx), where))
    return out


def _flags(ctx: RecipeContext, ids: Sequence[str]) -> tuple[bool, bool]:
    return ctx.store.flags(ids)


# ------------------------------------------------------------------------------ conflicts

def conflicts_recipe(spec: AnalysisSpec, ctx: RecipeContext) -> AnalysisOutput:
    """Land-use conflicts (:func:`jokkgeo.analysis.conflicts.conflicts`) of development × sensitive layers.

    Parameters
    ----------
    spec
        The recipe's ``analyses[]`` section (``type: conflicts`` and its keys).
    ctx
        The run's settings and layer store.
    """
    from jokkgeo.workflows.conflicts import ConflictOptions, run_conflicts
    from jokkgeo.workflows.rules import resolve_rules

    lang = ctx.language
    known = {"development", "sensitive", "rules", "rule_ids", "crossings", "title", "title_en"}
    spec.check_keys(known)
    dev = _selectors(spec, "development", ctx)
    sens = _selectors(spec, "sensitive", ctx)
    out = AnalysisOutput()
    dev = [(lid, w) for lid, w in dev if ctx.store.allowed(lid)]
    sens_all = sens
    sens = [(lid, w) for lid, w in sens if ctx.store.allowed(lid)]
    if len(sens) < len(sens_all):
        out.notes.append(
            (i18n.text("report.conflicts_with_restricted_layers_are", lang))
            + ", ".join(lid for lid, _ in sens_all if (lid, _) not in sens)
        )
    if not dev or not sens:
        return out
    rules_path = spec.get("rules")
    rules = resolve_rules(rules_path, root=ctx.settings.project_root, origin=f"{spec.origin}.rules'",
                          allow_outside=ctx.settings.allow_outside) if rules_path else resolve_rules()
    rule_ids = spec.get("rule_ids")
    if rule_ids is not None:
        # only these conflict rules (the crossings section of the rules is kept)
        from dataclasses import replace

        unknown = sorted(set(rule_ids) - {r.id for r in rules.rules})
        if unknown:
            raise spec.fail("rule_ids", f"unknown rule(s) {', '.join(unknown)}; rules: "
                                        f"{', '.join(r.id for r in rules.rules)}")
        rules = replace(rules, rules=tuple(r for r in rules.rules if r.id in set(rule_ids)))
    layers: dict[str, gpd.GeoDataFrame] = {}
    for lid, where in [*dev, *sens]:
        layers[lid] = ctx.store.layer(lid, where)
    options = ConflictOptions(language=lang, with_crossings=bool(spec.get("crossings", True)))
    run = run_conflicts(ctx.store, rules, options, layers=layers)
    if run.skipped:  # rules with nothing to run on: said in the bundle (index notes and a table)
        out.tables["skipped_rules"] = pd.DataFrame(run.skipped, columns=["rule_id", "missing"])
        out.notes.extend(skipped_rule_notes(run.skipped, lang))
    if run.result is None:
        out.notes.append(i18n.text("report.no_conflict_rule_applies_to", lang))
        return out
    result = run.result
    illustrative, restricted = _flags(ctx, list(layers))
    out.layers.extend(conflict_layers(result, language=lang, title=spec.get("title_en" if lang == "en" else "title"),
                                      illustrative=illustrative, restricted=restricted))
    geoms = shown_geometries(result)
    if len(geoms):
        out.results["conflicts"] = geoms
    out.tables["conflicts"] = result.table
    if len(result.zones):
        out.tables["conflict_zones"] = result.zones
    for name, table in result.summaries.items():
        out.tables[f"conflicts_by_{name}"] = table
    if result.crossings is not None and len(result.crossings):
        out.results["crossings"] = result.crossings
        if result.crossing_counts is not None:
            out.tables["crossing_counts"] = result.crossing_counts
    out.caveats.extend(result.caveats)
    refs = citations_caveat(result.citations, lang)
    if refs:
        out.caveats.append(refs)
    out.parameters = {**result.params, "development": [d for d, _ in dev], "sensitive": [s for s, _ in sens]}
    out.inputs, out.provenance = list(layers), result.provenance
    return out


# ------------------------------------------------------------------------------ catchments


def catchments_recipe(spec: AnalysisSpec, ctx: RecipeContext) -> AnalysisOutput:
    """Travel-time catchments of sites (:func:`jokkgeo.analysis.catchments.catchments`).

    The map shows the *nearest-site* split (each area given to the workplace reached
    fastest, bands nested); ``results.gpkg`` also holds every site's own bands.

    Parameters
    ----------
    spec
        The recipe's ``analyses[]`` section (``type: catchments`` and its keys).
    ctx
        The run's settings and layer store.
    """

    from jokkgeo.workflows.catchments import CatchmentOptions, population_layers, run_catchments

    lang = ctx.language
    known = {"sites", "site_ids", "minutes", "season", "roads", "direction", "cell_m", "buffer_m", "title",
             "title_en", "places", "popup_places"}
    spec.check_keys(known)
    out = AnalysisOutput()
    minutes = _minutes(spec, [30, 45, 60, 90])
    sites_id = _known_layer(spec, "sites", spec.get("sites", "investment_sites"), ctx)
    roads_id = _known_layer(spec, "roads", spec.get("roads", "roads"), ctx)
    site_ids = spec.get("site_ids")
    where = {"site_id": list(site_ids)} if site_ids else None
    if site_ids:
        found = ctx.store.layer(sites_id, where)
        missing = sorted(set(map(str, site_ids)) - set(found["site_id"].astype(str)))
        if missing:
            raise spec.fail("site_ids", f"no site(s) {', '.join(missing)} in layer '{sites_id}'")
    kwargs = {k: spec.get(k) for k in ("direction", "cell_m", "buffer_m") if spec.get(k) is not None}
    # people within reach: the population-theme layers (default) or the layers named in `places`
    places = spec.get("places")
    if places is None:
        places = population_layers(ctx.store)
    elif not isinstance(places, list) or not all(isinstance(p, str) for p in places):
        raise spec.fail("places", f"expected a list of layer ids, got {places!r}")
    places = [_known_layer(spec, "places", lid, ctx) for lid in places]
    places = [lid for lid in places if ctx.store.allowed(lid)]
    run = run_catchments(ctx.store, CatchmentOptions(
        minutes=tuple(float(m) for m in minutes), season=spec.get("season", "summer"), sites_layer=sites_id,
        sites_where=where, roads_layer=roads_id, place_layers=tuple(places), **kwargs))
    result, sites = run.result, run.sites
    names = site_names(sites)
    people = people_by_band(run.totals, names)
    places_id = spec.get("popup_places", "settlements")  # popups of this recipe layer show minutes to each site
    if places_id and places_id in set(ctx.store.catalogue) and ctx.store.allowed(places_id):
        out.popup_columns[places_id] = place_minutes(run, ctx.store.layer(places_id), names, language=lang)
    title = spec.get("title_en" if lang == "en" else "title") or catchments_title(str(spec.get("season", "summer")),
                                                                                 lang)
    nearest = with_people(labelled_bands(result.nearest, names, lang), people_by_band(run.totals, names,
                                                                                       scope="nearest"))
    per_site = with_people(labelled_bands(result.polygons, names, lang), people)
    out.layers.extend(catchment_layers(nearest, sites, minutes=minutes, language=lang, title=title))
    out.results["catchments_nearest"] = nearest
    out.results["catchments_per_site"] = per_site
    if len(result.snaps):
        out.results["catchment_access_legs"] = result.snaps
    table = pd.DataFrame(per_site.drop(columns=per_site.geometry.name))
    out.tables["catchments_per_site"] = table.sort_values(["site_id", "minutes"], kind="stable")
    if not people.empty:  # people and working-age people per site, band and season, per population layer
        out.tables["people_within_reach"] = people
    out.parameters = {**result.params, "sites": sites_id, "roads": roads_id, "places": list(run.places)}
    out.inputs, out.provenance = [sites_id, roads_id, *run.places], result.provenance
    out.notes.extend(run.notes)
    out.notes.extend(run.warnings[len(result.warnings):])  # unreachable places
    out.caveats.append(text("approximate", lang))
    out.notes.extend(result.warnings)
    empty = result.polygons[result.polygons["status"] != "ok"]
    if len(empty):  # sites that reach nothing within a band: in the bundle, not only on stderr
        out.tables["unreachable_bands"] = pd.DataFrame(empty.drop(columns=empty.geometry.name))
    return out


# ------------------------------------------------------------------------------ influence


def influence_recipe(spec: AnalysisSpec, ctx: RecipeContext) -> AnalysisOutput:
    """Zone-of-influence surface (:func:`jokkgeo.analysis.surfaces.influence_surfaces`) as an image overlay.

    ``layers``: the development and zone layers to use; ``surface``: which surface to
    show (default ``combined_nearest``, 0–1); ``resolution_m``: cell size (default 250 m).

    Parameters
    ----------
    spec
        The recipe's ``analyses[]`` section (``type: influence`` and its keys).
    ctx
        The run's settings and layer store.
    """
    from jokkgeo.workflows.influence import InfluenceOptions, run_influence
    from jokkgeo.workflows.rules import resolve_rules

    lang = ctx.language
    known = {"layers", "surface", "resolution_m", "title", "title_en", "bins"}
    spec.check_keys(known)
    out = AnalysisOutput()
    chosen = [(lid, w) for lid, w in _selectors(spec, "layers", ctx) if ctx.store.allowed(lid)]
    layers = {lid: ctx.store.layer(lid, w) for lid, w in chosen}
    resolution = float(spec.get("resolution_m", 250))
    run = run_influence(ctx.store, resolve_rules(), InfluenceOptions(resolution_m=resolution, language=lang),
                        layers=layers)
    result = run.result
    out.notes.extend(run.notes)
    name = spec.get("surface", "combined_nearest")
    if name not in result.surfaces:
        raise spec.fail("surface", f"'{name}' is not one of: {', '.join(sorted(result.surfaces))}")
    bins = [float(b) for b in spec.get("bins", list(DEFAULT_BINS))]
    illustrative, restricted = _flags(ctx, [lid for lid in run.layer_ids if lid in layers])
    out.layers.append(influence_layer(result.surfaces[name], result.grid.transform, result.nodata, bins=bins,
                                      language=lang, title=spec.get("title_en" if lang == "en" else "title"),
                                      illustrative=illustrative, restricted=restricted))
    out.rasters[name] = (result.surfaces[name], result.grid.transform, result.nodata)
    if len(result.zonal):
        out.tables["influence_by_zone"] = result.zonal
    out.parameters = {**result.params, "surface": name}
    out.inputs, out.provenance = [lid for lid in run.layer_ids if lid in layers], result.provenance
    out.caveats.extend(result.caveats)
    refs = citations_caveat(result.citations, lang)
    if refs:
        out.caveats.append(refs)
    return out


# ------------------------------------------------------------------------------ screening


def screening_recipe(spec: AnalysisSpec, ctx: RecipeContext) -> AnalysisOutput:
    """Housing-land screening (:func:`jokkgeo.analysis.screening.screen_housing`).

    ``candidates`` (default ``housing_land``) against ``sensitive`` layers (conflict rules)
    and, when ``influence_layers`` are given, the other developments' influence.

    Parameters
    ----------
    spec
        The recipe's ``analyses[]`` section (``type: screening`` and its keys).
    ctx
        The run's settings and layer store.
    """

    from jokkgeo.workflows.rules import resolve_rules
    from jokkgeo.workflows.screening import run_screening

    lang = ctx.language
    known = {"candidates", "sensitive", "influence_layers", "resolution_m", "title", "title_en"}
    spec.check_keys(known)
    out = AnalysisOutput()
    cand_id = spec.get("candidates", "housing_land")
    if cand_id not in set(ctx.store.catalogue):
        raise spec.fail("candidates", f"no layer '{cand_id}' in the catalogue")
    sens_all = _selectors(spec, "sensitive", ctx)
    sens = [(lid, w) for lid, w in sens_all if ctx.store.allowed(lid)]
    if len(sens) < len(sens_all):
        out.notes.append((i18n.text("report.screening_against_restricted_layers_is", lang))
                         + ", ".join(lid for lid, w in sens_all if (lid, w) not in sens))
    infl = [(lid, w) for lid, w in _selectors(spec, "influence_layers", ctx, required=False) if ctx.store.allowed(lid)]
    run = run_screening(ctx.store, resolve_rules(), candidates=cand_id,
                        sensitive={lid: ctx.store.layer(lid, w) for lid, w in sens},
                        influence_layers={lid: ctx.store.layer(lid, w) for lid, w in infl},
                        resolution_m=float(spec.get("resolution_m", 250)), language=lang)
    conf = run.conflicts.result if run.conflicts is not None else None
    if run.conflicts is not None and conf is None:
        out.notes.append(i18n.text("report.no_conflict_rule_housing", lang))
    res = run.result
    table = res.table
    illustrative, restricted = _flags(ctx, [s for s, _ in sens])
    layer = screening_layer(table, language=lang, title=spec.get("title_en" if lang == "en" else "title"),
                            illustrative=ctx.store.catalogue[cand_id].illustrative or illustrative,
                            restricted=restricted)
    if layer is not None:
        out.layers.append(layer)
    out.results["screening"] = table
    out.tables["screening"] = pd.DataFrame(table.drop(columns=table.geometry.name))
    out.parameters = {**res.params, "candidates": cand_id, "sensitive": [s for s, _ in sens]}
    out.inputs = list(dict.fromkeys([cand_id, *(s for s, _ in sens), *(i for i, _ in infl)]))
    out.provenance = res.provenance
    out.caveats.extend(res.caveats)
    if conf is not None:
        out.caveats.extend(c for c in conf.caveats if c not in out.caveats)
    return out



# ------------------------------------------------------------------------------ compare

_COMPARE_KEYS = frozenset({"scenario", "baseline", "scenarios", "site"})


def compare_recipe(spec: AnalysisSpec, ctx: RecipeContext) -> AnalysisOutput:
    """Baseline vs scenario differences (:mod:`jokkgeo.workflows.comparison`) as map layers, results and tables.

    Registered in :data:`jokkgeo.report.ANALYSES`. Recipe section::

        analyses:
          - type: compare
            scenario: kallak_rail          # required: a scenarios/NAME.yaml, or a scenario mapping written here
            baseline: kallak_road          # default: baseline (the study without changes); also name or mapping
            scenarios: scenarios           # folder of scenario files (default: scenarios/ of the project)
            site: kallak                   # whose catchment bands are drawn (default: the most changed site)

    A scenario written inside the recipe uses the keys of a scenario file
    (``{title: ..., season: winter}``; ``name`` defaults to ``scenario_<i>``).

    The map shows baseline and scenario side by side (two synchronised panes; the
    scenario pane carries the differences) and the figure has two matching panels; ``results.gpkg``
    the difference layers, ``tables/`` the difference tables, and the index page the
    written summary. All comparisons of one report share one
    :class:`~jokkgeo.workflows.comparison.StudyRunner`, so the baseline is analysed once.
    In a public bundle restricted layers (reindeer herding) are left out of both studies.

    Parameters
    ----------
    spec
        The recipe's ``analyses[]`` section (``type: compare`` and its keys).
    ctx
        The run's settings and layer store.
    """
    from jokkgeo.config.scenarios import BASELINE, ScenarioSet, validate_scenario
    from jokkgeo.io.configs import read_scenarios, scenario_from_data
    from jokkgeo.present.comparison import comparison_document, comparison_summary, pane_titles, result_layers
    from jokkgeo.workflows.comparison import run_comparison

    spec.check_keys(_COMPARE_KEYS)
    root = ctx.settings.project_root
    inline: dict[str, Any] = {}

    def name_of(key: str, default: str | None) -> str:
        raw = spec.get(key, default)
        if isinstance(raw, Mapping):  # a scenario written inside the recipe
            data = dict(raw)
            data.setdefault("name", f"{key}_{spec.origin.rsplit('[', 1)[-1].rstrip(']')}")
            try:
                scen = scenario_from_data(data, None, root=root, allow_outside=ctx.settings.allow_outside)
            except JokkgeoError as exc:
                raise type(exc)(f"{spec.origin}.{key}': {str(exc).replace('<scenario>: ', '')}") from None
            inline[scen.name] = scen
            return scen.name
        if not isinstance(raw, str) or not raw:
            raise spec.fail(key, "missing (required): a scenario name (e.g. kallak_rail) or a scenario mapping")
        return raw

    scenario = name_of("scenario", None)
    baseline = name_of("baseline", BASELINE)
    raw_dir = spec.get("scenarios", "scenarios")
    if not isinstance(raw_dir, str):
        raise spec.fail("scenarios", f"expected a folder path, got {raw_dir!r}")
    sdir = Path(raw_dir) if Path(raw_dir).is_absolute() else root / raw_dir
    if not ctx.settings.allow_outside and not sdir.resolve().is_relative_to(root.resolve()):
        raise spec.fail("scenarios", f"'{raw_dir}' is outside the project folder; pass --allow-outside")
    catalogue = {lid: ctx.store.catalogue[lid] for lid in ctx.store.catalogue if ctx.store.allowed(lid)}
    try:
        scenarios = read_scenarios(sdir, root=root, catalogue=catalogue,
                                   allow_outside=ctx.settings.allow_outside)
        if inline:
            scenarios = ScenarioSet({**{n: scenarios.raw(n) for n in scenarios if n != BASELINE}, **inline}, sdir)
            for name in inline:
                try:
                    validate_scenario(scenarios[name], catalogue)
                except JokkgeoError as exc:
                    raise type(exc)(f"{spec.origin}': {str(exc).replace('<scenario>: ', '')}") from None
        for name, key in ((scenario, "scenario"), (baseline, "baseline")):
            if name not in scenarios:
                raise spec.fail(key, f"no scenario named '{name}' in {sdir}; available: {', '.join(sorted(scenarios))}")
    except CatalogueError as exc:
        if str(exc).startswith(spec.origin):
            raise
        raise CatalogueError(f"{spec.origin}': {exc}") from None

    # one store for the run: catalogue layers are shared with the other recipes and recorded as inputs
    comp, base, scen = run_comparison(catalogue, scenarios, scenario=scenario, baseline=baseline, root=root,
                                      language=ctx.language, allow_outside=ctx.settings.allow_outside, store=ctx.store)
    lang = ctx.language
    doc = comparison_document(comp, language=lang, site=spec.get("site"), context_layers=())
    out = AnalysisOutput(layers=doc.layers, results=dict(result_layers(comp)),
                         tables={name: comp.tables[name] for name in comp.tables})
    summary_data = comparison_summary(comp, language=lang)
    summary = summary_data.text()
    out.notes.extend(summary_data.notes())  # from the structure, not parsed back out of the text
    out.tables["summary"] = pd.DataFrame({"text": summary.splitlines()})
    out.caveats.extend(doc.caveats)
    out.parameters = {
        "baseline": baseline,
        "scenario": scenario,
        "scenarios_dir": str(sdir),
        "changed_layers": comp.params["changed_layers"],
        "baseline_season": base.season,
        "scenario_season": scen.season,
        "scenario_parameters": scen.parameters,
        "omitted_restricted": sorted(set(ctx.store.catalogue) - set(catalogue)),
        "pane_titles": list(pane_titles(comp, lang)),
    }
    out.inputs = [lid for lid in catalogue if lid in ctx.store.used]
    out.provenance = getattr(comp, "provenance", None)
    if ctx.store.public and set(ctx.store.catalogue) - set(catalogue):
        out.notes.append(i18n.text("report.restricted_layers_reindeer_herding_are", lang))
    return out


# ------------------------------------------------------------------------------ growth

_GROWTH_KEYS = frozenset({"years", "year", "season", "site_ids", "parameters", "title", "title_en"})


def growth_recipe(spec: AnalysisSpec, ctx: RecipeContext) -> AnalysisOutput:
    """Where newcomers could live (:func:`jokkgeo.workflows.growth.run_growth`): map of one year, tables.

    Recipe section::

        - type: growth
          years: [2026, 2028, 2030, 2035]   # default: jokkgeo.workflows.growth.DEFAULT_YEARS
          year: 2030                          # shown on the map (default: the year with most newcomers)
          season: summer
          site_ids: [kallak]                  # default: every site with new jobs
          parameters: {local_share: 0.3}      # GrowthParameters (docs/growth.md)

    Parameters
    ----------
    spec
        The recipe's ``analyses[]`` section (``type: growth`` and its keys).
    ctx
        The run's settings and layer store.
    """
    from jokkgeo.analysis.growth import GrowthParameters
    from jokkgeo.present.growth import growth_frames, growth_layers, growth_tables
    from jokkgeo.workflows.growth import DEFAULT_YEARS, GrowthOptions, check_years, run_growth

    lang = ctx.language
    spec.check_keys(_GROWTH_KEYS)
    try:
        years = check_years(spec.get("years", list(DEFAULT_YEARS)), origin=f"{spec.origin}.years'")
        raw = spec.get("parameters", {}) or {}
        if not isinstance(raw, Mapping):
            raise spec.fail("parameters", f"expected a mapping of growth parameters, got {raw!r}")
        params = GrowthParameters.from_mapping(raw, origin=f"{spec.origin}.parameters'")
    except AnalysisError as exc:
        raise CatalogueError(str(exc)) from None
    site_ids = spec.get("site_ids")
    options = GrowthOptions(years=tuple(years), season=str(spec.get("season", "summer")), parameters=params,
                            site_ids=tuple(str(s) for s in site_ids) if site_ids else None, language=lang)
    run = run_growth(ctx.store, options)
    result = run.result
    year = spec.get("year")
    if year is not None and int(year) not in result.years:
        raise spec.fail("year", f"{year} is not one of the years {', '.join(map(str, result.years))}")
    inputs = [lid for lid in run.inputs if lid in set(ctx.store.catalogue)]
    illustrative, _restricted = _flags(ctx, inputs)
    out = AnalysisOutput()
    out.layers.extend(growth_layers(run, year=year, language=lang, illustrative=illustrative,
                                    title=spec.get("title_en" if lang == "en" else "title")))
    frames = growth_frames(run)
    out.results.update({k: v for k, v in frames.items() if isinstance(v, gpd.GeoDataFrame) and len(v)})
    out.tables.update(growth_tables(result, language=lang))
    out.tables["jobs_by_year"] = frames["jobs_by_year"]
    out.parameters = {**result.params, "years": years}
    out.inputs, out.provenance = inputs, result.provenance
    out.caveats.extend(result.caveats)
    out.caveats.append(i18n.text("growth.references", lang) + " " + "; ".join(
        result.citations[k] for k in sorted(result.citations)))
    out.notes.extend(result.warnings)
    return out


# ------------------------------------------------------------------------------ services

_SERVICES_KEYS = frozenset({"kinds", "seasons", "minutes", "population", "services", "newcomers", "growth_year",
                            "roads", "n_worst",
                            "show_kind", "show_season", "title", "title_en"})


def _growth_year(spec: AnalysisSpec) -> int | None:
    year = spec.get("growth_year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200):
        raise spec.fail("growth_year", f"expected a year such as 2030, got {year!r}")
    return year


def services_recipe(spec: AnalysisSpec, ctx: RecipeContext) -> AnalysisOutput:
    """Access to services (:mod:`jokkgeo.workflows.services`): residents by travel time, services by load.

    Recipe section (every key optional)::

        - type: services
          kinds: [school, health_centre, grocery]    # default: every kind in the services layer
          seasons: [summer, winter]
          minutes: [10, 20, 30, 45, 60]
          population: [population]                   # default: the population-theme layers
          services: [services]                       # default: the services-theme layers
          newcomers: new_residents                   # a layer of newcomers (points with population)
          growth_year: 2030                          # or the in-migration model's newcomers in that year
          show_kind: health_centre                   # shown on the map (default: the first kind found)
          show_season: winter                        # default: the first season

    The map shows the residents coloured by their time to the nearest ``show_kind`` and the services
    of that kind sized by their load (the other kinds are in the layer list, hidden); the tables
    hold people per band, the summary, the worst-served places and the load per service, with the
    planner's headers.

    Parameters
    ----------
    spec
        The recipe's ``analyses[]`` section (``type: services`` and its keys).
    ctx
        The run's settings and layer store.
    """
    from jokkgeo.present.services import (
        missing_kind_notes,
        residents_layer,
        service_tables,
        services_layers,
    )
    from jokkgeo.workflows.services import ServiceOptions, run_services

    lang = ctx.language
    spec.check_keys(_SERVICES_KEYS)

    def names(key: str) -> tuple[str, ...] | None:
        raw = spec.get(key)
        if raw is None:
            return None
        raw = [raw] if isinstance(raw, str) else raw
        if not isinstance(raw, Sequence) or not all(isinstance(x, str) and x for x in raw):
            raise spec.fail(key, f"expected a list of names, got {raw!r}")
        return tuple(raw)

    for key in ("population", "services", "newcomers", "roads"):
        for lid in names(key) or ():
            _known_layer(spec, key, lid, ctx)
    minutes = _minutes(spec, None)
    n_worst = spec.get("n_worst")
    if n_worst is not None and (not isinstance(n_worst, int) or isinstance(n_worst, bool) or n_worst < 0):
        raise spec.fail("n_worst", f"expected a whole number >= 0, got {n_worst!r}")
    newcomers = names("newcomers")
    out = AnalysisOutput()
    for key, theme in (("services", "services"), ("population", "population")):
        if names(key) is None and not any(ctx.store.catalogue[lid].theme == theme for lid in ctx.store.catalogue):
            # the recipe names no layer and the catalogue has none of the theme: said, not an error
            out.notes.append(i18n.text("services.no_layer", lang, theme=theme))
            return out
    def allowed(key: str, theme: str) -> tuple[str, ...]:  # restricted layers stay out of a public bundle
        ids = names(key) or tuple(lid for lid in ctx.store.catalogue if ctx.store.catalogue[lid].theme == theme)
        return tuple(lid for lid in ids if ctx.store.allowed(lid))

    population, services = allowed("population", "population"), allowed("services", "services")
    if not population or not services:
        out.notes.append(i18n.text("services.no_layer", lang, theme="population" if not population else "services"))
        return out
    options = ServiceOptions(
        kinds=names("kinds"), seasons=names("seasons"),
        minutes=tuple(float(m) for m in minutes) if minutes is not None else None,
        population_layers=population, services_layers=services,
        newcomers_layer=newcomers[0] if newcomers else None, roads_layer=spec.get("roads"), n_worst=n_worst,
        growth_year=_growth_year(spec), language=lang)
    try:
        run = run_services(ctx.store, options, root_path=ctx.settings.project_root)
    except JokkgeoError as exc:
        raise type(exc)(f"{spec.origin}': {exc}") from None
    result = run.result
    found = [k for k in result.kinds if k not in result.missing_kinds]
    show_kind = spec.get("show_kind") or (found[0] if found else None)
    if show_kind is not None and show_kind not in result.kinds:
        raise spec.fail("show_kind", f"'{show_kind}' is not among the kinds analysed: {', '.join(result.kinds)}")
    show_season = spec.get("show_season") or result.seasons[0]
    if show_season not in result.seasons:
        raise spec.fail("show_season", f"'{show_season}' is not among the seasons: {', '.join(result.seasons)}")
    title = spec.get("title_en" if lang == "en" else "title")
    for kind in found:
        lay = residents_layer(result, kind=kind, season=show_season, language=lang,
                              title=title if kind == show_kind else None)
        lay.show = kind == show_kind
        svc = services_layers(result, kind=kind, season=show_season, language=lang,
                              after=result.newcomers is not None)
        for s in svc:
            s.show = kind == show_kind
        out.layers.extend([*svc, lay])
    out.results["service_residents"] = result.residents
    if len(result.load):
        out.results["service_load"] = result.load
    out.tables.update(service_tables(result, lang))
    out.notes.extend(missing_kind_notes(result, lang))
    out.notes.extend(w for w in result.warnings if "no service of kind" not in w)
    out.caveats.append(i18n.text("services.caveat", lang))
    out.parameters = {**result.params, "show_kind": show_kind, "show_season": show_season,
                      "services_layers": run.services_layers, "population_layers": run.population_layers}
    out.inputs = [lid for lid in run.inputs if lid in set(ctx.store.catalogue)]
    out.provenance = result.provenance
    return out


RECIPE_TYPES: Mapping[str, Runner] = {
    "catchments": catchments_recipe,
    "conflicts": conflicts_recipe,
    "influence": influence_recipe,
    "screening": screening_recipe,
    "compare": compare_recipe,
    "growth": growth_recipe,
    "services": services_recipe,
}
"""Recipe ``analyses[].type`` -> runner (the one table of recipe types)."""

__all__ = [
    "RECIPE_TYPES",
    "AnalysisOutput",
    "RecipeContext",
    "RecipeRun",
    "Runner",
    "catchments_recipe",
    "compare_recipe",
    "conflicts_recipe",
    "growth_recipe",
    "influence_recipe",
    "run_recipe",
    "screening_recipe",
    "services_recipe",
]
