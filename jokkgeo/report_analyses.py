"""Analysis runners for map recipes, registered in :data:`jokkgeo.report.ANALYSES`.

Each runner reads its recipe section (``spec.params``), loads layers through the
:class:`~jokkgeo.report.RunContext` (which leaves restricted layers out of public
bundles), calls the pure analysis in :mod:`jokkgeo.analysis` and returns an
:class:`~jokkgeo.report.AnalysisOutput`: map layers, results for
``results.gpkg``, tables, parameters and caveats.

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
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd


from jokkgeo.recipes import AnalysisSpec
from jokkgeo.render.document import MapLayer, RasterData, text, theme_label
from jokkgeo.render.styles import band_style, raster_style, severity_style, simple_style
from jokkgeo.report import AnalysisOutput, RunContext, register_analysis

log = logging.getLogger(__name__)


def _selectors(spec: AnalysisSpec, key: str, ctx: RunContext, *, required: bool = True) -> list[tuple[str, dict]]:
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
        if lid not in set(ctx.catalogue):
            raise spec.fail(f"{key}[{i}]", f"no layer '{lid}' in the catalogue; available: {', '.join(sorted(ctx.catalogue))}")
        out.append((lid, where))
    return out


def _optional_module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        log.warning("analysis module %s is not available: %s", name, exc)
        return None


def _flags(ctx: RunContext, ids: Sequence[str]) -> tuple[bool, bool]:
    specs = [ctx.catalogue[i] for i in ids]
    return any(s.illustrative for s in specs), any(s.restricted for s in specs)


def _analysis_group(language: str) -> str:
    return theme_label("analysis", language)


# ------------------------------------------------------------------------------ conflicts

_CONFLICT_POPUP = {
    "sv": {"rule_id": "Regel", "dev_label": "Exploatering", "sens_label": "Känsligt område", "severity": "Allvarlighet",
           "distance_m": "Avstånd (m)", "zoi_area_m2": "Påverkad yta (m²)", "zoi_length_m": "Påverkad längd (m)",
           "reference": "Referens"},
    "en": {"rule_id": "Rule", "dev_label": "Development", "sens_label": "Sensitive feature", "severity": "Severity",
           "distance_m": "Distance (m)", "zoi_area_m2": "Affected area (m²)", "zoi_length_m": "Affected length (m)",
           "reference": "Reference"},
}


@register_analysis("conflicts")
def run_conflicts(spec: AnalysisSpec, ctx: RunContext) -> AnalysisOutput:
    """Land-use conflicts (:func:`jokkgeo.analysis.conflicts.conflicts`) of development × sensitive layers."""
    from jokkgeo.analysis.conflicts import conflicts
    from jokkgeo.io.configs import load_rules
    from jokkgeo.io.paths import YAML_SUFFIXES, resolve_path

    lang = ctx.language
    known = {"development", "sensitive", "rules", "rule_ids", "crossings", "title", "title_en"}
    for key in spec.params:
        if key not in known:
            raise spec.fail(key, f"unknown key for type conflicts; allowed: {', '.join(sorted(known))}")
    dev = _selectors(spec, "development", ctx)
    sens = _selectors(spec, "sensitive", ctx)
    out = AnalysisOutput()
    dev = [(lid, w) for lid, w in dev if ctx.allowed(lid)]
    sens_all = sens
    sens = [(lid, w) for lid, w in sens if ctx.allowed(lid)]
    if len(sens) < len(sens_all):
        out.notes.append(
            ("Konfliktanalys mot känsliga lager är utelämnad i den publika versionen: " if lang == "sv" else
             "Conflicts with restricted layers are left out of the public version: ")
            + ", ".join(lid for lid, _ in sens_all if (lid, _) not in sens)
        )
    if not dev or not sens:
        return out
    rules_path = spec.get("rules")
    rules = load_rules(resolve_path(str(rules_path), root=ctx.settings.project_root, origin=f"{spec.origin}.rules'",
                                    allow_outside=ctx.settings.allow_outside, suffixes=YAML_SUFFIXES,
                                    must_exist=True)) if rules_path else load_rules()
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
        layers[lid] = ctx.layer(lid, where)
    if not _rules_apply(rules, list(layers), ctx):
        out.notes.append("Inga konfliktregler gäller för de valda lagren." if lang == "sv" else
                         "No conflict rule applies to the chosen layers.")
        return out
    result = conflicts(layers, rules, specs=ctx.catalogue, language=lang, sameby_layer="reindeer_samebyar",
                       with_crossings=bool(spec.get("crossings", True)))
    ids = list(layers)
    illustrative, restricted = _flags(ctx, ids)
    group = _analysis_group(lang)
    title = spec.get("title_en" if lang == "en" else "title") or ("Konfliktområden" if lang == "sv" else "Conflict areas")
    geoms = result.geometries
    popup = tuple((k, v) for k, v in _CONFLICT_POPUP[lang].items())
    if len(geoms):
        geoms = geoms[geoms.geometry.notna() & ~geoms.geometry.is_empty]
        types = geoms.geometry.geom_type.str.replace("Multi", "")
        for kind, geom_type, suffix in (("polygon", "Polygon", ""), ("line", "LineString", " (leder)" if lang == "sv"
                                                                                     else " (routes)")):
            part = geoms[(types == geom_type).to_numpy()]
            if not len(part):
                continue
            style = severity_style(title=title + suffix, kind=kind, language=lang)
            style = _with_popup(style, popup)
            out.layers.append(MapLayer(id=f"conflicts_{kind}", title=title + suffix, group=group, style=style,
                                       data=part, illustrative=illustrative, restricted=restricted))
        out.results["conflicts"] = geoms
    out.tables["conflicts"] = result.table
    if len(result.zones):
        out.tables["conflict_zones"] = result.zones
    for name, table in result.summaries.items():
        out.tables[f"conflicts_by_{name}"] = table
    if result.crossings is not None and len(result.crossings):
        cross_title = "Korsningar av flyttleder" if lang == "sv" else "Migration-route crossings"
        style = simple_style("point", title=cross_title, color="#000000", fill_color="#ffd400", radius=5.0,
                             weight=1.5, fill_opacity=1.0, z_order=40,
                             popup=(("route_label", "Flyttled" if lang == "sv" else "Route"),
                                    ("infra_label", "Infrastruktur" if lang == "sv" else "Infrastructure"),
                                    ("infra_type", "Typ" if lang == "sv" else "Type")),
                             tooltip="route_label")
        out.layers.append(MapLayer(id="crossings", title=cross_title, group=group, style=style,
                                   data=result.crossings, illustrative=illustrative, restricted=restricted))
        out.results["crossings"] = result.crossings
        if result.crossing_counts is not None:
            out.tables["crossing_counts"] = result.crossing_counts
    out.caveats.extend(result.caveats)
    if result.citations:
        refs = "; ".join(f"{v}" for _, v in sorted(result.citations.items()))
        out.caveats.append(("Påverkanszoner enligt: " if lang == "sv" else "Zones of influence from: ") + refs)
    out.parameters = {**result.params, "development": [d for d, _ in dev], "sensitive": [s for s, _ in sens]}
    return out


def _rules_apply(rules: Any, layer_ids: Sequence[str], ctx: RunContext) -> bool:
    """True when at least one conflict rule pairs two of ``layer_ids`` (by layer or theme)."""
    themes = {lid: ctx.catalogue[lid].theme for lid in layer_ids}
    return any(r.development.layer_ids(themes) and r.sensitive.layer_ids(themes) for r in rules.rules)


def _with_popup(style: Any, popup: tuple[tuple[str, str], ...]) -> Any:
    from dataclasses import replace

    return replace(style, popup=popup, tooltip="sens_label")


# ------------------------------------------------------------------------------ catchments


def _network(ctx: RunContext, roads_id: str) -> Any:
    """The road network built from a catalogue line layer (built once per run)."""
    from jokkgeo.network.graph import graph_from_lines

    key = f"network:{roads_id}"
    if key not in ctx.extra:
        ctx.extra[key] = graph_from_lines(ctx.layer(roads_id), layer_name=roads_id)
    return ctx.extra[key]


@register_analysis("catchments")
def run_catchments(spec: AnalysisSpec, ctx: RunContext) -> AnalysisOutput:
    """Travel-time catchments of sites (:func:`jokkgeo.analysis.catchments.catchments`).

    The map shows the *nearest-site* split (each area given to the workplace reached
    fastest, bands nested); ``results.gpkg`` also holds every site's own bands.
    """
    from dataclasses import replace

    from jokkgeo.analysis.catchments import catchments

    lang = ctx.language
    known = {"sites", "site_ids", "minutes", "season", "roads", "direction", "cell_m", "buffer_m", "title",
             "title_en"}
    for key in spec.params:
        if key not in known:
            raise spec.fail(key, f"unknown key for type catchments; allowed: {', '.join(sorted(known))}")
    out = AnalysisOutput()
    minutes = spec.get("minutes", [30, 45, 60, 90])
    if not isinstance(minutes, Sequence) or not minutes or not all(
            isinstance(m, (int, float)) and not isinstance(m, bool) and m > 0 for m in minutes):
        raise spec.fail("minutes", f"expected a list of positive minutes, got {minutes!r}")
    sites_id = spec.get("sites", "investment_sites")
    roads_id = spec.get("roads", "roads")
    for key, lid in (("sites", sites_id), ("roads", roads_id)):
        if lid not in set(ctx.catalogue):
            raise spec.fail(key, f"no layer '{lid}' in the catalogue")
    site_ids = spec.get("site_ids")
    sites = ctx.layer(sites_id, {"site_id": list(site_ids)} if site_ids else None)
    if site_ids:
        missing = sorted(set(map(str, site_ids)) - set(sites["site_id"].astype(str)))
        if missing:
            raise spec.fail("site_ids", f"no site(s) {', '.join(missing)} in layer '{sites_id}'")
    kwargs = {k: spec.get(k) for k in ("direction", "cell_m", "buffer_m") if spec.get(k) is not None}
    result = catchments(_network(ctx, roads_id), sites, minutes=[float(m) for m in minutes],
                        profile=spec.get("season", "summer"), site_id_col="site_id", **kwargs)
    names = dict(zip(sites["site_id"].astype(str), sites["name"].astype(str) if "name" in sites.columns
                     else sites["site_id"].astype(str)))
    group = _analysis_group(lang)
    season = str(spec.get("season", "summer"))
    if lang == "sv":
        season = {"summer": "sommar", "winter": "vinter", "spring": "vår", "autumn": "höst"}.get(season, season)
    title = spec.get("title_en" if lang == "en" else "title") or (
        f"Restid till närmaste arbetsplats ({season})" if lang == "sv" else f"Travel time to nearest workplace ({season})")

    def decorate(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty].copy()
        frame["site_name"] = frame["site_id"].astype(str).map(names)
        frame["area_km2"] = (frame["area_m2"] / 1e6).round(1)
        unit = "min"
        frame["label"] = frame["site_name"].astype(str) + " ≤ " + frame["minutes"].map(lambda m: f"{m:g}") + f" {unit}"
        # widest band first, so nearer bands are drawn on top
        return frame.sort_values(["minutes", "site_id"], ascending=[False, True], kind="stable")

    nearest = decorate(result.nearest)
    per_site = decorate(result.polygons)
    style = band_style(sorted({float(m) for m in minutes}), title=title, language=lang)
    style = replace(style, popup=(("site_name", "Arbetsplats" if lang == "sv" else "Workplace"),
                                  ("minutes", "Inom minuter" if lang == "sv" else "Within minutes"),
                                  ("area_km2", "Yta (km²)" if lang == "sv" else "Area (km²)")),
                    tooltip="label")
    out.layers.append(MapLayer(id="catchment_bands", title=title, group=group, style=style, data=nearest))
    site_title = "Arbetsplatser" if lang == "sv" else "Workplaces"
    out.layers.insert(0, MapLayer(
        id="catchment_sites", title=site_title, group=group,
        style=simple_style("point", title=site_title, color="#000000", fill_color="#e7298a", radius=7.0, weight=2.0,
                           fill_opacity=1.0, label_field="name", tooltip="name", z_order=50,
                           popup=(("name", "Namn" if lang == "sv" else "Name"),
                                  ("type", "Typ" if lang == "sv" else "Type"),
                                  ("jobs", "Arbetstillfällen" if lang == "sv" else "Jobs"))),
        data=sites))
    out.results["catchments_nearest"] = nearest
    out.results["catchments_per_site"] = per_site
    if len(result.snaps):
        out.results["catchment_access_legs"] = result.snaps
    table = pd.DataFrame(per_site.drop(columns=per_site.geometry.name))
    out.tables["catchments_per_site"] = table.sort_values(["site_id", "minutes"], kind="stable")
    out.parameters = {**result.params, "sites": sites_id, "roads": roads_id}
    out.caveats.append(text("approximate", lang))
    out.notes.extend(result.warnings)
    return out


# ------------------------------------------------------------------------------ influence


@register_analysis("influence")
def run_influence(spec: AnalysisSpec, ctx: RunContext) -> AnalysisOutput:
    """Zone-of-influence surface (:func:`jokkgeo.analysis.surfaces.influence_surfaces`) as an image overlay.

    ``layers``: the development and zone layers to use; ``surface``: which surface to
    show (default ``combined_nearest``, 0–1); ``resolution_m``: cell size (default 250 m).
    """
    from jokkgeo.io.configs import load_rules
    from jokkgeo.analysis.surfaces import influence_surfaces, study_area_of

    lang = ctx.language
    known = {"layers", "surface", "resolution_m", "title", "title_en", "bins"}
    for key in spec.params:
        if key not in known:
            raise spec.fail(key, f"unknown key for type influence; allowed: {', '.join(sorted(known))}")
    out = AnalysisOutput()
    chosen = [(lid, w) for lid, w in _selectors(spec, "layers", ctx) if ctx.allowed(lid)]
    layers = {lid: ctx.layer(lid, w) for lid, w in chosen}
    if "boundary" in set(ctx.catalogue) and "boundary" not in layers:
        layers["boundary"] = ctx.layer("boundary")
    resolution = float(spec.get("resolution_m", 250))
    result = influence_surfaces(layers, load_rules(), specs=ctx.catalogue, resolution_m=resolution,
                                study_area=study_area_of(layers["boundary"]) if "boundary" in layers else None,
                                zones_layer="reindeer_samebyar", zones_field="sameby", language=lang)
    name = spec.get("surface", "combined_nearest")
    if name not in result.surfaces:
        raise spec.fail("surface", f"'{name}' is not one of: {', '.join(sorted(result.surfaces))}")
    bins = [float(b) for b in spec.get("bins", [0.05, 0.25, 0.5, 0.75])]
    values = np.asarray(result.surfaces[name], dtype=float)
    shown = np.where(values < bins[0], np.nan, values)  # negligible influence is left transparent (display only)
    raster = RasterData.from_transform(shown, result.grid.transform, nodata=result.nodata)
    title = spec.get("title_en" if lang == "en" else "title") or ("Påverkan från exploatering (index 0–1)"
                                                                  if lang == "sv" else "Influence of development (index 0–1)")
    illustrative, restricted = _flags(ctx, list(layers))
    out.layers.append(MapLayer(id="influence", title=title, group=_analysis_group(lang),
                               style=raster_style(title=title, bins=bins, language=lang, floor=True), raster=raster,
                               illustrative=illustrative, restricted=restricted, show=True))
    out.rasters[name] = (result.surfaces[name], result.grid.transform, result.nodata)
    if len(result.zonal):
        out.tables["influence_by_zone"] = result.zonal
    out.parameters = {**result.params, "surface": name}
    out.caveats.extend(result.caveats)
    if result.citations:
        out.caveats.append(("Påverkanszoner enligt: " if lang == "sv" else "Zones of influence from: ")
                           + "; ".join(v for _, v in sorted(result.citations.items())))
    return out


# ------------------------------------------------------------------------------ screening


@register_analysis("screening")
def run_screening(spec: AnalysisSpec, ctx: RunContext) -> AnalysisOutput:
    """Housing-land screening (:func:`jokkgeo.analysis.screening.screen_housing`).

    ``candidates`` (default ``housing_land``) against ``sensitive`` layers (conflict rules)
    and, when ``influence_layers`` are given, the other developments' influence.
    """
    from dataclasses import replace

    from jokkgeo.analysis.conflicts import conflicts
    from jokkgeo.io.configs import load_rules
    from jokkgeo.analysis.screening import screen_housing

    lang = ctx.language
    known = {"candidates", "sensitive", "influence_layers", "resolution_m", "title", "title_en"}
    for key in spec.params:
        if key not in known:
            raise spec.fail(key, f"unknown key for type screening; allowed: {', '.join(sorted(known))}")
    out = AnalysisOutput()
    cand_id = spec.get("candidates", "housing_land")
    if cand_id not in set(ctx.catalogue):
        raise spec.fail("candidates", f"no layer '{cand_id}' in the catalogue")
    housing = ctx.layer(cand_id)
    sens_all = _selectors(spec, "sensitive", ctx)
    sens = [(lid, w) for lid, w in sens_all if ctx.allowed(lid)]
    if len(sens) < len(sens_all):
        out.notes.append(("Screening mot känsliga lager är utelämnad i den publika versionen: " if lang == "sv" else
                          "Screening against restricted layers is left out of the public version: ")
                         + ", ".join(lid for lid, w in sens_all if (lid, w) not in sens))
    rules = load_rules()
    layers = {cand_id: housing, **{lid: ctx.layer(lid, w) for lid, w in sens}}
    conf = None
    if sens and _rules_apply(rules, list(layers), ctx):
        conf = conflicts(layers, rules=rules, specs=ctx.catalogue, language=lang, with_crossings=False)
    elif sens:
        out.notes.append("Inga konfliktregler gäller för bostadsmarken mot de valda lagren." if lang == "sv" else
                         "No conflict rule applies to the housing land and the chosen layers.")
    surf = None
    infl = [(lid, w) for lid, w in _selectors(spec, "influence_layers", ctx, required=False) if ctx.allowed(lid)]
    if infl:
        from jokkgeo.analysis.surfaces import influence_surfaces, study_area_of

        s_layers = {lid: ctx.layer(lid, w) for lid, w in infl}
        if "boundary" in set(ctx.catalogue):
            s_layers.setdefault("boundary", ctx.layer("boundary"))
        surf = influence_surfaces(s_layers, rules, specs=ctx.catalogue,
                                  study_area=study_area_of(s_layers["boundary"]) if "boundary" in s_layers else None,
                                  zones_layer="reindeer_samebyar", zones_field="sameby",
                                  resolution_m=float(spec.get("resolution_m", 250)), language=lang)
    res = screen_housing(housing, conflicts=conf, surfaces=surf, housing_layer=cand_id)
    table = res.table
    title = spec.get("title_en" if lang == "en" else "title") or ("Bostadsmark: värsta konflikt" if lang == "sv"
                                                                  else "Housing land: worst conflict")
    style = severity_style(title=title, field="worst_severity", language=lang)
    none_label = "Ingen konflikt" if lang == "sv" else "No conflict"
    from jokkgeo.render.styles import CategoryClass

    cat = style.categorical
    assert cat is not None
    cat = replace(cat, classes=(*cat.classes, CategoryClass(value="none", color="#1a9850", label=none_label)))
    popup_fields = [("name", "Namn" if lang == "sv" else "Name"), ("locality", "Ort" if lang == "sv" else "Locality"),
                    ("dwellings", "Bostäder" if lang == "sv" else "Dwellings"),
                    ("worst_severity", "Värsta konflikt" if lang == "sv" else "Worst conflict"),
                    ("n_conflicts", "Antal konflikter" if lang == "sv" else "Conflicts"),
                    ("affected_sameby", "Samebyar" if lang == "sv" else "Samebyar"),
                    ("reindeer_distance_m", "Avstånd till renskötselområde (m)" if lang == "sv"
                     else "Distance to reindeer land (m)"),
                    ("screening_rank", "Rang" if lang == "sv" else "Rank")]
    style = replace(style, categorical=cat, popup=tuple(p for p in popup_fields if p[0] in table.columns),
                    tooltip="name" if "name" in table.columns else None, z_order=25, fill_opacity=0.75)
    if "worst_severity" in table.columns:
        spec_c = ctx.catalogue[cand_id]
        out.layers.append(MapLayer(id="screening", title=title, group=_analysis_group(lang), style=style, data=table,
                                   illustrative=spec_c.illustrative or _flags(ctx, [s for s, _ in sens])[0],
                                   restricted=_flags(ctx, [s for s, _ in sens])[1]))
    out.results["screening"] = table
    out.tables["screening"] = pd.DataFrame(table.drop(columns=table.geometry.name))
    out.parameters = {**res.params, "candidates": cand_id, "sensitive": [s for s, _ in sens]}
    out.caveats.extend(res.caveats)
    if conf is not None:
        out.caveats.extend(c for c in conf.caveats if c not in out.caveats)
    return out


__all__ = ["run_conflicts", "run_catchments", "run_influence", "run_screening"]
