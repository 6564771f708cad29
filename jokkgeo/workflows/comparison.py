"""Run a baseline and a scenario study and collect their differences, sharing work.

:class:`StudyRunner` runs the analyses of a :class:`~jokkgeo.study.scenario.Study`
(travel-time catchments, accessibility of places, land-use conflicts with
migration-route crossings, influence surfaces with sameby shares and
linear-infrastructure density) and caches every intermediate result under a key
made of the :meth:`~jokkgeo.study.scenario.Study.layer_token` of the layers it used.
A second study therefore reuses whatever its changes do not touch:

* the road network is built **once** (from the root study); a scenario's network
  is that network plus :func:`~jokkgeo.network.graph.add_lines` (new roads) and
  :meth:`~jokkgeo.network.arrays.RoadNetwork.with_speeds` /
  :meth:`~jokkgeo.network.arrays.RoadNetwork.with_closed` (road changes): arrays,
  not a rebuild;
* catchments and place travel times are reused when the network, season, sites and
  parameters are unchanged (per place layer for accessibility);
* conflicts are cached per rule and (development layer, sensitive layer) pair: only
  pairs with a changed layer (or a new rule) are computed;
* influence surfaces are cached per surface rule; only rules whose development
  layers changed are recomputed, then combined and summarised per sameby.

:func:`compare_studies` turns two :class:`StudyResults` into a :class:`Comparison`
(tables and layers of differences, see :mod:`jokkgeo.analysis.diff`).
All geometry is EPSG:3006; areas in m², times in minutes.

Parameters (``parameters:`` of a scenario; defaults in brackets)
---------------------------------------------------------------
``network``: ``connect_m`` [50] — new road ends within this distance join the network.
``catchments``: ``minutes`` [15, 30, 60, 90], ``sites`` [:data:`DEFAULT_SITES`],
``site_layer`` [investment_sites], ``cell_m``, ``buffer_m``, ``access_speed_kph``,
``max_snap_m``, ``direction`` (as :func:`jokkgeo.analysis.catchments.catchments`).
``accessibility``: ``place_layers`` [settlements, housing_land], ``step_m``, ``place_max_snap_m``.
``conflicts``: ``rules`` (a rules YAML replacing the defaults), ``extra_rules`` (a rules
YAML whose rules and surfaces are added), ``quad_segs``.
``surfaces``: ``resolution_m`` [500], ``share_level`` [0.5], ``density_window_m`` [2000].
``services``: ``kinds``, ``minutes``, ``population_layers``, ``services_layers``, ``newcomers_layer``, …
(:class:`jokkgeo.workflows.services.ServiceOptions`; compared in the study's own season).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from jokkgeo.analysis import diff
from jokkgeo.analysis.catchments import DEFAULT_MINUTES
from jokkgeo.config.layers import LayerSpec
from jokkgeo.errors import AnalysisError, CatalogueError
from jokkgeo.results import Provenance
from jokkgeo.settings import WORKING_CRS
from jokkgeo.study.scenario import Study, spec_token
from jokkgeo.study.store import LayerStore

log = logging.getLogger(__name__)

DEFAULT_SITES: tuple[str, ...] = (
    "kallak",
    "jokkmokk_industri",
    "gallivare_lkab_hybrit",
    "boden_stegra",
    "lulea_ssab_hybrit",
)
"""Investment sites whose catchments are compared (those present in the site layer)."""
DEFAULT_PLACE_LAYERS: tuple[str, ...] = ("settlements", "housing_land")
"""Place layers rated besides the study's population-theme layers (``parameters.accessibility.place_layers``)."""
DEFAULT_SURFACE_RESOLUTION_M = 500.0
DEFAULT_SHARE_LEVEL = 0.5
DENSITY_LEVELS: tuple[float, ...] = (0.8, 1.3)
AREA_TOLERANCE_M2 = 1.0
_EMPTY = object()


# ----------------------------------------------------------------------------- helpers
def _chain(study: Study) -> list[Study]:
    """Studies from the root (no base) to ``study``."""
    out = [study]
    while out[-1].base is not None:
        out.append(out[-1].base)
    return out[::-1]


def _origin(study: Study, key: str) -> str:
    path = study.scenario.spec_path
    return f"{path if path is not None else study.name}: key '{key}'"


def _param(study: Study, section: str, key: str, default: Any) -> Any:
    return study.parameters.get(section, {}).get(key, default)


def effective_spec(study: Study, layer_id: str) -> LayerSpec:
    """The layer's spec, flagged illustrative (with a caveat) when a scenario appended illustrative features.

    Parameters
    ----------
    study
        The study.
    layer_id
        A layer id of the study.
    """
    spec = study.spec(layer_id)
    extras = study.extra_specs.get(layer_id, ())
    illus = [s for s in extras if s.illustrative]
    if not illus or spec.illustrative:
        return spec
    names_sv = ", ".join(s.title for s in illus)
    names_en = ", ".join(s.label("en") for s in illus)
    return dataclasses.replace(
        spec,
        illustrative=True,
        caveat=" ".join(filter(None, [spec.caveat, f"Innehåller illustrativa scenariotillägg: {names_sv}."])),
        caveat_en=" ".join(filter(None, [spec.caveat_en or spec.caveat,
                                         f"Contains illustrative scenario additions: {names_en}."])),
    )


def _specs(study: Study) -> dict[str, LayerSpec]:
    return {lid: effective_spec(study, lid) for lid in study.layer_ids}


def _vector_ids(study: Study) -> list[str]:
    return [lid for lid, s in study.specs.items() if s.geometry_type != "Raster"]


@dataclass
class StudyResults:
    """Everything the runner computed for one study (EPSG:3006, m², minutes)."""

    study: Study
    network: Any
    catchments: gpd.GeoDataFrame
    places: pd.DataFrame
    totals: pd.DataFrame
    conflicts: gpd.GeoDataFrame
    crossings: gpd.GeoDataFrame
    sameby: pd.DataFrame
    caveats: list[str] = field(default_factory=list)
    citations: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    growth: Any = None
    """:class:`~jokkgeo.analysis.growth.GrowthResult` of the study (``None`` when it could not run)."""
    growth_note: str | None = None
    """Why the growth model did not run (missing layers, bad inventory), or ``None``."""
    services: Any = None
    """:class:`~jokkgeo.analysis.services.ServiceAccessResult` in the study's season (``None`` without
    population and services layers)."""

    @property
    def provenance(self) -> Provenance:
        """The result contract (:class:`jokkgeo.results.Provenance`) built from these fields."""
        return Provenance(parameters=self.params, inputs=tuple(self.study.layer_ids), caveats=tuple(self.caveats),
                          citations=self.citations)


@dataclass
class Comparison:
    """Differences between two studies, as tables (CSV) and layers (GeoPackage).

    Attributes
    ----------
    baseline, scenario
        The two :class:`StudyResults`.
    tables
        ``catchment_totals`` (per site and band: area, population, dwellings, housing land,
        baseline/scenario/change), ``access_changes`` (places entering or leaving a band),
        ``conflict_changes`` (new/removed/changed conflicts with severity), ``sameby_changes``
        (influenced share and linear-infrastructure density per sameby), ``crossing_changes``
        (new/removed migration-route crossings), ``layer_changes`` (what the scenario did),
        ``growth_changes`` (new residents, dwellings needed and shortfall per settlement and year, from the
        in-migration model; empty when it did not run).
        ``service_changes`` (people within each band of the nearest service of each kind) and
        ``service_load_changes`` (residents for whom each service is the nearest).
    layers
        ``catchment_changes`` (gained/lost polygons), ``conflict_changes``, ``crossing_changes``,
        and for maps ``catchments_baseline``, ``catchments_scenario``.
    """

    baseline: StudyResults
    scenario: StudyResults
    tables: dict[str, pd.DataFrame]
    layers: dict[str, gpd.GeoDataFrame]
    caveats: list[str] = field(default_factory=list)
    citations: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def provenance(self) -> Provenance:
        """The result contract (:class:`jokkgeo.results.Provenance`): both studies' inputs, caveats, citations."""
        inputs = (*self.baseline.study.layer_ids, *self.scenario.study.layer_ids)
        return Provenance(parameters=self.params, inputs=tuple(dict.fromkeys(inputs)), caveats=tuple(self.caveats),
                          citations=self.citations)

    @property
    def n_differences(self) -> int:
        """Rows of difference tables that report a change (0 for identical studies)."""
        t = self.tables
        n = len(t["access_changes"]) + len(t["conflict_changes"]) + len(t["crossing_changes"])
        n += len(self.layers["catchment_changes"])
        for name in ("catchment_totals", "sameby_changes", "growth_changes", "service_changes",
                     "service_load_changes"):
            if name not in t:
                continue
            frame = t[name]
            change_cols = [c for c in frame.columns if c.endswith("_change")]
            if change_cols:
                n += int((frame[change_cols].abs() > 0).any(axis=1).sum())
        return n


# ----------------------------------------------------------------------------- runner
class StudyRunner:
    """Runs the analyses of studies and shares every result two studies have in common.

    Parameters
    ----------
    root
        Project folder that rule files in scenario parameters resolve against.
    language
        ``"sv"`` or ``"en"`` for caveats.
    allow_outside
        Let rule paths in scenario parameters point outside ``root``.
    rules_path
        Conflict rules used when a study sets no ``parameters.conflicts.rules``
        (default: the packaged rules).

    Examples
    --------
    >>> runner = StudyRunner(root=project)                              # doctest: +SKIP
    >>> comparison = runner.compare(base_study, scenario_study)          # doctest: +SKIP
    """

    def __init__(self, *, root: Path, language: str = "sv", allow_outside: bool = False,
                 rules_path: str | Path | None = None) -> None:
        if language not in ("sv", "en"):
            raise AnalysisError(f"language must be 'sv' or 'en', got {language!r}")
        self.root = Path(root)
        self.rules_path = Path(rules_path) if rules_path is not None else None
        self.language = language
        self.allow_outside = allow_outside
        self._cache: dict[Any, Any] = {}
        self.stats: dict[str, int] = {"computed": 0, "reused": 0}

    # -------------------------------------------------------------- caching
    def _cached(self, kind: str, key: Any, compute: Any) -> Any:
        full = (kind, key)
        if full in self._cache:
            self.stats["reused"] += 1
            log.info("reusing %s", kind)
            return self._cache[full]
        self.stats["computed"] += 1
        value = compute()
        self._cache[full] = value
        return value

    def _tokens(self, study: Study, ids: Sequence[str]) -> tuple[tuple[str, str | None], ...]:
        return tuple((lid, study.layer_token(lid) if lid in study else None) for lid in ids)

    def _layer(self, study: Study, lid: str) -> gpd.GeoDataFrame:
        return study.layer(lid)

    # -------------------------------------------------------------- network
    def _road_ids(self, study: Study) -> list[str]:
        ids = study.layers_of_theme("roads")
        return [lid for lid in ids if study.spec(lid).geometry_type == "LineString"]

    def network(self, study: Study) -> Any:
        """The study's road network: the root network plus the study's road edits.

        Parameters
        ----------
        study
            The study.
        """
        connect_m = float(_param(study, "network", "connect_m", 50.0))
        changes = tuple(c for s in _chain(study) for c in s.scenario.road_changes)
        return self._cached("network", self._network_key(study, connect_m),
                            lambda: self._build_network(study, connect_m, changes))

    def _network_key(self, study: Study, connect_m: float) -> Any:
        """What the network depends on: road layers, appended/filtered road features and
        road changes that alter travel (speed, closure) — not attributes such as traffic."""
        chain = _chain(study)
        root = chain[0]
        ids = set(self._road_ids(study))
        edits: list[tuple[str | None, ...]] = []
        for st in chain[1:]:
            scen = st.scenario
            edits += [("add", a.append_to, spec_token(a.spec)) for a in scen.add_layers
                      if (a.append_to or a.spec.id) in ids]
            edits += [("filter", repr(f)) for f in scen.filter_layers if f.layer in ids]
            edits += [("road", repr(c)) for c in scen.road_changes
                      if c.layer in ids and ("maxspeed" in c.set or c.close)]
            edits += [("remove", lid) for lid in scen.remove_layers if lid in self._road_ids(root)]
        return (self._tokens(root, self._road_ids(root)), tuple(sorted(ids)), tuple(edits), connect_m)

    def _root_network(self, root: Study) -> Any:
        from jokkgeo.io.roadgraph import read_road_network
        from jokkgeo.network.graph import add_lines

        ids = self._road_ids(root)
        if not ids:
            raise AnalysisError(f"study '{root.name}' has no road layer (theme 'roads'); travel times need one")

        def build() -> Any:
            primary = "roads" if "roads" in ids else ids[0]
            t0 = time.perf_counter()
            net = read_road_network(root.spec(primary))
            for lid in ids:
                if lid != primary:
                    net = add_lines(net, self._layer(root, lid), label=lid)
            log.info("road network built in %.2f s: %r", time.perf_counter() - t0, net)
            return net

        return self._cached("root_network", self._tokens(root, ids), build)

    def _build_network(self, study: Study, connect_m: float, changes: Sequence[Any]) -> Any:
        from jokkgeo.network.graph import add_lines

        root = _chain(study)[0]
        net = self._root_network(root)
        if study is root:
            return net
        root_ids = self._road_ids(root)
        ids = self._road_ids(study)
        for lid in ids:
            if lid not in root_ids:
                net = add_lines(net, self._layer(study, lid), connect_m=connect_m, label=lid)
                continue
            if study.layer_token(lid) == root.layer_token(lid):
                continue
            base, now = self._layer(root, lid), self._layer(study, lid)
            extra = now.loc[~now.index.isin(base.index)]
            if len(extra):
                net = add_lines(net, extra, connect_m=connect_m, label=f"{lid} (scenario)")
            gone = base.index[~base.index.isin(now.index)]
            if len(gone):
                net = self._close_features(net, base.loc[gone], lid, study)
        for change in changes:
            if change.layer not in ids:
                continue
            if "maxspeed" not in change.set and not change.close:
                continue  # attributes such as traffic do not change travel times
            edges = net.edges()
            mask = change.mask(edges, origin=_origin(study, change.key).split(": key")[0]).to_numpy()
            if not mask.any():
                raise AnalysisError(
                    f"{_origin(study, change.key + '.select')}: no road of the network matches {dict(change.select)}"
                )
            if "maxspeed" in change.set:
                net = net.with_speeds(mask, float(change.set["maxspeed"]), label=f"{study.name} {change.key}")
            if change.close:
                net = net.with_closed(mask, label=f"{study.name} {change.key}")
        return net

    def _close_features(self, net: Any, removed: gpd.GeoDataFrame, lid: str, study: Study) -> Any:
        if "osmid" not in removed.columns or "osmid" not in net.arc_attrs.columns:
            raise AnalysisError(
                f"study '{study.name}': features removed from road layer '{lid}' cannot be matched to the network "
                "(no 'osmid'); close roads with road_changes (close: true) instead"
            )
        from jokkgeo.config.scenarios import select_mask

        mask = select_mask(net.edges(), {"osmid": tuple(removed["osmid"].tolist())}).to_numpy()
        return net.with_closed(mask, label=f"{study.name}: {len(removed)} features filtered from {lid}")

    # ------------------------------------------------------------ catchments
    def _sites(self, study: Study) -> tuple[gpd.GeoDataFrame, str]:
        site_layer = _param(study, "catchments", "site_layer", "investment_sites")
        if site_layer not in study:
            raise AnalysisError(f"{_origin(study, 'parameters.catchments.site_layer')}: no layer '{site_layer}'")
        gdf = self._layer(study, site_layer)
        wanted = _param(study, "catchments", "sites", None)
        if "site_id" not in gdf.columns:
            raise AnalysisError(f"site layer '{site_layer}' has no 'site_id' column")
        if wanted is None:
            present = [s for s in DEFAULT_SITES if s in set(gdf["site_id"].astype(str))]
            wanted = present or gdf["site_id"].astype(str).tolist()
        else:
            missing = sorted(set(map(str, wanted)) - set(gdf["site_id"].astype(str)))
            if missing:
                raise AnalysisError(
                    f"{_origin(study, 'parameters.catchments.sites')}: no site(s) {', '.join(missing)} in layer "
                    f"'{site_layer}'; available: {', '.join(sorted(gdf['site_id'].astype(str)))}"
                )
        sites = gdf[gdf["site_id"].astype(str).isin([str(w) for w in wanted])]
        return sites, site_layer

    def _catchment_kwargs(self, study: Study) -> dict[str, Any]:
        p = dict(study.parameters.get("catchments", {}))
        p.pop("sites", None)
        p.pop("site_layer", None)
        p.setdefault("minutes", list(DEFAULT_MINUTES))
        return p

    def catchments(self, study: Study) -> gpd.GeoDataFrame:
        """Band polygons per site (``site_id``, ``minutes``, ``area_m2``, geometry).

        Parameters
        ----------
        study
            The study.
        """
        from jokkgeo.analysis.catchments import catchments

        sites, site_layer = self._sites(study)
        kwargs = self._catchment_kwargs(study)
        net = self.network(study)
        key = (id(net), study.season, self._tokens(study, [site_layer]), tuple(sites["site_id"]),
               repr(sorted(kwargs.items())))

        def compute(which: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
            try:
                res = catchments(net, which, profile=study.season, nearest=False, **kwargs)
            except (TypeError, AnalysisError) as exc:
                raise AnalysisError(f"{_origin(study, 'parameters.catchments')}: {exc}") from None
            return res.polygons

        def run() -> gpd.GeoDataFrame:
            root = _chain(study)[0]
            if root is study or study.season != root.season:
                return compute(sites)
            ref_sites, _ = self._sites(root)
            ref_key = self._catchment_key(root, ref_sites, site_layer)
            if ref_key is None or ref_key not in self._cache or not ref_sites["site_id"].equals(sites["site_id"]) \
                    or self._catchment_kwargs(root) != kwargs:
                return compute(sites)
            ref = self._cache[ref_key]
            same = self._unchanged_sites(self.network(root), net, sites, study.season, kwargs)
            self.stats["reused"] += int(same.sum())
            parts = [ref[ref["site_id"].isin(sites["site_id"][same].astype(str))]]
            if (~same).any():
                parts.append(compute(sites[~same]))
            order = {sid: i for i, sid in enumerate(sites["site_id"].astype(str))}
            out = pd.concat(parts, ignore_index=True)
            out = out.iloc[np.lexsort((out["minutes"].to_numpy(), out["site_id"].map(order).to_numpy()))]
            return gpd.GeoDataFrame(out.reset_index(drop=True), geometry="geometry", crs=WORKING_CRS)

        return self._cached("catchments", key, run)

    def _catchment_key(self, study: Study, sites: gpd.GeoDataFrame, site_layer: str) -> Any:
        kwargs = self._catchment_kwargs(study)
        connect_m = float(_param(study, "network", "connect_m", 50.0))
        net_key = ("network", self._network_key(study, connect_m))
        if net_key not in self._cache:
            return None
        return ("catchments", (id(self._cache[net_key]), study.season, self._tokens(study, [site_layer]),
                               tuple(sites["site_id"]), repr(sorted(kwargs.items()))))

    def _unchanged_sites(self, base_net: Any, net: Any, sites: gpd.GeoDataFrame, season: str,
                         kwargs: Mapping[str, Any]) -> np.ndarray:
        """Per site: True when no network edit lies within reach and its access points are the same,
        so its catchment polygons are exactly those on ``base_net`` (checked with one Dijkstra each)."""
        from jokkgeo.analysis.catchments import DEFAULT_ACCESS_SPEED_KPH, DEFAULT_MAX_SNAP_M, site_table
        from jokkgeo.network.profiles import get_profile
        from jokkgeo.network.routing import node_travel_times, snap_sites

        n = len(sites)
        nb, na = base_net.n_nodes, base_net.n_arcs
        aligned = (net.n_nodes >= nb and net.n_arcs >= na and tuple(net.edits[:len(base_net.edits)]) == base_net.edits
                   and np.array_equal(net.node_id[:nb], base_net.node_id)
                   and np.array_equal(net.arc_u[:na], base_net.arc_u)
                   and np.array_equal(net.arc_v[:na], base_net.arc_v))
        if not aligned:
            return np.zeros(n, dtype=bool)
        prof = get_profile(season)
        wb, wn = base_net.travel_time(prof), net.travel_time(prof)
        edited = np.concatenate([np.flatnonzero(wb != wn[:na]), np.arange(na, net.n_arcs)])
        if len(edited) == 0:
            return np.ones(n, dtype=bool)
        ends = np.unique(np.concatenate([net.arc_u[edited], net.arc_v[edited]]))
        ends_old = ends[ends < nb]
        ids, geoms = site_table(sites, "site_id")
        direction = kwargs.get("direction", "to_site")
        opts = {"max_snap_m": kwargs.get("max_snap_m", DEFAULT_MAX_SNAP_M),
                "access_speed_kph": kwargs.get("access_speed_kph", DEFAULT_ACCESS_SPEED_KPH), "direction": direction}
        limit = 60.0 * max(float(m) for m in kwargs.get("minutes", DEFAULT_MINUTES))
        sb = snap_sites(base_net, geoms, ids, profile=prof, **opts)
        sn = snap_sites(net, geoms, ids, profile=prof, **opts)
        tb, _ = node_travel_times(base_net, sb, profile=prof, direction=direction, limit_s=limit)
        tn, _ = node_travel_times(net, sn, profile=prof, direction=direction, limit_s=limit)
        cols = ["geom", "frac", "distance_m"]
        out = np.zeros(n, dtype=bool)
        for i in range(n):
            a = sb.table.loc[sb.table["site"] == i, cols].reset_index(drop=True)
            b = sn.table.loc[sn.table["site"] == i, cols].reset_index(drop=True)
            same_snap = a.shape == b.shape and bool(np.allclose(a.to_numpy(float), b.to_numpy(float)))
            reached = bool((tn[i][ends] <= limit).any() or (tb[i][ends_old] <= limit).any())
            out[i] = same_snap and not reached
        return out

    def places(self, study: Study) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per place and site travel minutes (long table) and per-site band totals.

        Parameters
        ----------
        study
            The study.
        """
        from jokkgeo.analysis.accessibility import accessibility

        sites, site_layer = self._sites(study)
        ckw = self._catchment_kwargs(study)
        minutes = ckw["minutes"]  # _catchment_kwargs sets a default
        akw = {k: v for k, v in study.parameters.get("accessibility", {}).items() if k != "place_layers"}
        for k in ("access_speed_kph", "max_snap_m", "direction"):
            if k in ckw:
                akw[k] = ckw[k]
        default = (*study.layers_of_theme("population"), *DEFAULT_PLACE_LAYERS)
        place_layers = [lid for lid in _param(study, "accessibility", "place_layers", default) if lid in study]
        net = self.network(study)
        site_ids = [str(s) for s in sites["site_id"]]
        parts = []
        for lid in place_layers:
            key = (id(net), study.season, self._tokens(study, [site_layer, lid]), tuple(site_ids),
                   repr(minutes), repr(sorted(akw.items())))

            def run(lid: str = lid) -> pd.DataFrame:
                gdf = self._layer(study, lid)
                try:
                    res = accessibility(net, sites, gdf, minutes=minutes, profile=study.season, **akw)
                except (TypeError, AnalysisError) as exc:
                    raise AnalysisError(f"{_origin(study, 'parameters.accessibility')}: {exc}") from None
                return self._long_places(res.places, lid, site_ids)

            parts.append(self._cached("accessibility", key, run))
        long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["site_id", "place_layer", "place_id", "place", "minutes", "population", "dwellings", "area_m2"])
        housing = [lid for lid in place_layers if study.spec(lid).theme == "housing_land"]
        people = [lid for lid in place_layers if study.spec(lid).theme == "population"]
        totals = self._totals(long, site_ids, [float(m) for m in minutes], housing, people)
        return long, totals

    @staticmethod
    def _long_places(places: gpd.GeoDataFrame, lid: str, site_ids: Sequence[str]) -> pd.DataFrame:
        from jokkgeo.analysis._common import feature_ids, feature_labels

        ids, _ = feature_ids(places)
        labels = feature_labels(places, ids)
        geoms = np.asarray(places.geometry.values, dtype=object)
        import shapely

        area = np.where(np.isin(shapely.get_type_id(geoms), [3, 6]), shapely.area(geoms), 0.0)
        base = pd.DataFrame({
            "place_layer": lid,
            "place_id": ids.to_numpy(),
            "place": labels.to_numpy(),
            "population": pd.to_numeric(places["population"], errors="coerce").fillna(0.0).to_numpy()
            if "population" in places.columns else 0.0,
            "dwellings": pd.to_numeric(places["dwellings"], errors="coerce").fillna(0.0).to_numpy()
            if "dwellings" in places.columns else 0.0,
            "area_m2": area,
        })
        frames = []
        for sid in site_ids:
            col = f"minutes_{sid}"
            f = base.copy()
            f.insert(0, "site_id", sid)
            f["minutes"] = places[col].to_numpy(dtype=float) if col in places.columns else np.nan
            frames.append(f)
        return pd.concat(frames, ignore_index=True)

    @staticmethod
    def _totals(long: pd.DataFrame, site_ids: Sequence[str], minutes: Sequence[float],
                housing_layers: Sequence[str], people_layers: Sequence[str] = ()) -> pd.DataFrame:
        """Per site and band: population, dwellings, housing-land area (m²) and places inside.

        People are counted from the population-theme layers when the study has any (so the
        tätorter of a settlements layer are not counted twice), else from every place layer.
        """
        rows = []
        is_housing = long["place_layer"].isin(list(housing_layers)).to_numpy()
        counts_people = (long["place_layer"].isin(list(people_layers)).to_numpy() if people_layers
                         else np.ones(len(long), dtype=bool))
        t = long["minutes"].to_numpy(dtype=float)
        for sid in site_ids:
            on_site = (long["site_id"] == sid).to_numpy()
            for m in sorted(minutes):
                inside = on_site & (np.nan_to_num(t, nan=np.inf) <= m)
                housing = inside & is_housing
                rows.append({
                    "site_id": sid,
                    "minutes": float(m),
                    "population": float(long["population"].to_numpy()[inside & counts_people].sum()),
                    "dwellings": float(long["dwellings"].to_numpy()[inside].sum()),
                    "housing_area_m2": float(long["area_m2"].to_numpy()[housing].sum()),
                    "n_places": int(inside.sum()),
                })
        return pd.DataFrame(rows, columns=["site_id", "minutes", "population", "dwellings", "housing_area_m2",
                                           "n_places"])

    # ------------------------------------------------------------- conflicts
    def rules(self, study: Study) -> Any:
        """The rule set of a study: the packaged defaults or ``parameters.conflicts.rules``, plus ``extra_rules``.

        Parameters
        ----------
        study
            The study.
        """
        from jokkgeo.workflows.rules import merge_rules, resolve_rules

        def path_of(key: str) -> Path | None:
            raw = _param(study, "conflicts", key, None)
            if raw is None:
                return None
            if not isinstance(raw, str):
                raise CatalogueError(f"{_origin(study, f'parameters.conflicts.{key}')}: "
                                     "expected a path to a rules YAML")
            p = Path(raw)
            p = p if p.is_absolute() else self.root / p
            p = p.resolve()
            if p.suffix.lower() not in (".yaml", ".yml"):
                raise CatalogueError(f"{_origin(study, f'parameters.conflicts.{key}')}: '{raw}' is not a .yaml file")
            if not self.allow_outside and not p.is_relative_to(self.root.resolve()):
                raise CatalogueError(
                    f"{_origin(study, f'parameters.conflicts.{key}')}: '{raw}' is outside the project folder; "
                    "pass --allow-outside"
                )
            return p

        main, extra = path_of("rules") or self.rules_path, path_of("extra_rules")

        def load() -> Any:
            rules = resolve_rules(main)
            if extra is not None:
                rules = merge_rules(rules, resolve_rules(extra), origin=extra)
            return rules

        return self._cached("rules", (str(main), str(extra)), load)

    def _themes(self, study: Study) -> dict[str, str]:
        return {lid: study.spec(lid).theme for lid in _vector_ids(study)}

    def conflicts(self, study: Study) -> tuple[gpd.GeoDataFrame, dict[str, str], Any]:
        """Conflict rows (with geometry), citations and the rule set; cached per rule and layer pair.

        Parameters
        ----------
        study
            The study.
        """
        from jokkgeo.analysis.conflicts import KEY_COLUMNS, conflicts

        rules = self.rules(study)
        quad_segs = int(_param(study, "conflicts", "quad_segs", 16))
        themes = self._themes(study)
        specs = _specs(study)
        pieces: list[pd.DataFrame] = []
        for rule in rules.rules:
            devs = rule.development.layer_ids(themes)
            sens = rule.sensitive.layer_ids(themes)
            pairs = [(d, s) for d in devs for s in sens]
            keys = {(d, s): ("conflict_pair", repr(rule), quad_segs, study.layer_token(d), study.layer_token(s),
                             repr(specs[d].illustrative), repr(specs[s].illustrative)) for d, s in pairs}
            todo = [p for p in pairs if keys[p] not in self._cache]
            self.stats["reused"] += len(pairs) - len(todo)
            if todo:
                self.stats["computed"] += len(todo)
                # pairs where a side selects no feature have no conflicts (and no job to run)
                empty = {lid for lid in {d for d, _ in todo} if not self._selects(study, lid, rule.development.where)}
                empty |= {lid for lid in {s for _, s in todo} if not self._selects(study, lid, rule.sensitive.where)}
                for p in [p for p in todo if p[0] in empty or p[1] in empty]:
                    self._cache[keys[p]] = _EMPTY
                todo = [p for p in todo if keys[p] not in self._cache]
            if todo:
                need = sorted({d for d, _ in todo} | {s for _, s in todo})
                one = dataclasses.replace(rules, rules=(rule,), surfaces=(), crossings=None)
                layers = {lid: self._layer(study, lid) for lid in need}
                res = conflicts(layers, one, specs=specs, quad_segs=quad_segs, with_crossings=False,
                                with_summaries=False, language=self.language)
                g = res.geometries
                for d, s in pairs:
                    if keys[(d, s)] in self._cache or d not in need or s not in need:
                        continue
                    part = g[(g["dev_layer"] == d) & (g["sens_layer"] == s)]
                    self._cache[keys[(d, s)]] = part
            pieces += [self._cache[keys[p]] for p in pairs if self._cache[keys[p]] is not _EMPTY]
        frames = [p for p in pieces if len(p)]
        if frames:
            table = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=WORKING_CRS)
            table = table.sort_values(KEY_COLUMNS, kind="stable").reset_index(drop=True)
        else:
            cols = [*KEY_COLUMNS, "severity", "dev_label", "sens_label", "dev_theme", "sens_theme", "zoi_area_m2",
                    "weighted_area_m2", "reference", "citation"]
            table = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in cols},
                                     geometry=gpd.GeoSeries([], crs=WORKING_CRS), crs=WORKING_CRS)
        used = sorted(set(table["rule_id"])) if len(table) else []
        citations = {r.reference: r.citation for r in rules.rules if r.id in used}
        return table, citations, rules

    def _selects(self, study: Study, lid: str, where: Mapping[str, Any]) -> bool:
        gdf = self._layer(study, lid)
        if not where:
            return len(gdf) > 0
        mask = np.ones(len(gdf), dtype=bool)
        for col, values in where.items():
            if col not in gdf.columns:
                return False
            mask &= gdf[col].isin(list(values)).to_numpy()
        return bool(mask.any())

    def crossings(self, study: Study) -> gpd.GeoDataFrame:
        """Migration-route crossing points (cached by the tokens of the layers the crossing rule uses).

        Parameters
        ----------
        study
            The study.
        """
        from jokkgeo.analysis.crossings import crossings_for_rules

        rules = self.rules(study)
        if rules.crossings is None:
            return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=WORKING_CRS), crs=WORKING_CRS)
        themes = self._themes(study)
        ids = sorted({lid for sel in (*rules.crossings.infrastructure, rules.crossings.routes)
                      for lid in sel.layer_ids(themes)})
        specs = _specs(study)
        key = (repr(rules.crossings), self._tokens(study, ids), tuple(specs[i].illustrative for i in ids))

        def run() -> gpd.GeoDataFrame:
            from jokkgeo.analysis._common import as_inputs

            inputs = as_inputs({lid: self._layer(study, lid) for lid in ids}, specs)
            cr = crossings_for_rules(inputs, rules, language=self.language)
            if cr is None:
                return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=WORKING_CRS), crs=WORKING_CRS)
            return cr.points

        return self._cached("crossings", key, run)

    # -------------------------------------------------------------- surfaces
    def sameby(self, study: Study) -> tuple[pd.DataFrame, list[str]]:
        """Per sameby: influenced share (combined nearest influence >= ``share_level``) and
        linear-infrastructure density (mean km/km², shares above 0.8 and 1.3 km/km²).

        Parameters
        ----------
        study
            The study.
        """
        from jokkgeo.analysis.surfaces import (
            DENSITY_THRESHOLDS_KM_PER_KM2,
            NODATA,
            influence_surfaces,
            study_area_of,
            zonal_stats,
        )

        rules = self.rules(study)
        res_m = float(_param(study, "surfaces", "resolution_m", DEFAULT_SURFACE_RESOLUTION_M))
        level = float(_param(study, "surfaces", "share_level", DEFAULT_SHARE_LEVEL))
        window = float(_param(study, "surfaces", "density_window_m", 2000.0))
        themes = self._themes(study)
        specs = _specs(study)
        zones_layer, zones_field = "reindeer_samebyar", "sameby"
        if zones_layer not in study:
            return pd.DataFrame(columns=[zones_field]), []
        frame_ids = sorted({"boundary", zones_layer} & set(study.layer_ids))
        linear = sorted(lid for lid, th in themes.items() if th in ("roads", "rail", "power"))
        bounds = None
        if "boundary" not in study:  # no study area: one grid over every layer, the same for all rules
            allb = np.array([self._layer(study, lid).total_bounds for lid in themes if len(self._layer(study, lid))])
            bounds = (float(allb[:, 0].min()), float(allb[:, 1].min()),
                      float(allb[:, 2].max()), float(allb[:, 3].max()))
        per_rule_keys = {}
        for srule in rules.surfaces:
            ids = srule.development.layer_ids(themes)
            per_rule_keys[srule.id] = ("surface_rule", repr(srule), res_m, window, bounds,
                                       self._tokens(study, frame_ids), self._tokens(study, ids))
        base_key = ("surface_base", res_m, window, bounds, self._tokens(study, frame_ids), self._tokens(study, linear))
        todo = [s for s in rules.surfaces if per_rule_keys[s.id] not in self._cache]
        if todo or base_key not in self._cache:
            self.stats["computed"] += len(todo) + (base_key not in self._cache)
            need = sorted(set(frame_ids) | set(linear) | {lid for s in todo for lid in s.development.layer_ids(themes)})
            sub = dataclasses.replace(rules, rules=(), surfaces=tuple(todo))
            res = influence_surfaces({lid: self._layer(study, lid) for lid in need}, sub, specs=specs,
                                     resolution_m=res_m, density_window_m=window, bounds=bounds,
                                     study_area=study_area_of(self._layer(study, "boundary"))
                                     if "boundary" in study else None,
                                     zones_layer=zones_layer, zones_field=zones_field, language=self.language)
            for s in todo:
                if f"{s.id}_nearest" in res.surfaces:
                    self._cache[per_rule_keys[s.id]] = (res.surfaces[f"{s.id}_nearest"], res.citations.get(s.reference))
                else:
                    self._cache[per_rule_keys[s.id]] = (None, None)
            self._cache[base_key] = (res.surfaces["linear_density_km_per_km2"], res.grid, res.caveats)
        else:
            self.stats["reused"] += 1
        self.stats["reused"] += len(rules.surfaces) - len(todo)
        density, grid, caveats = self._cache[base_key]
        outside = density == NODATA
        combined = np.zeros(grid.shape, dtype="float64")
        for s in rules.surfaces:
            arr, _ = self._cache[per_rule_keys[s.id]]
            if arr is not None:
                combined = np.maximum(combined, np.where(arr == NODATA, 0.0, arr))
        combined[outside] = NODATA
        zgdf = self._layer(study, zones_layer)
        if zones_field in zgdf.columns:
            zgdf = zgdf[[zones_field, zgdf.geometry.name]].dissolve(by=zones_field, as_index=False)
        zonal = zonal_stats(
            zgdf,
            {"influence": combined, "density": density},
            grid,
            levels={"influence": (level,), "density": DENSITY_THRESHOLDS_KM_PER_KM2},
        )
        out = pd.DataFrame({zones_field: zgdf[zones_field].to_numpy() if zones_field in zgdf.columns else zgdf.index})
        out["area_km2"] = zonal["area_km2"].to_numpy()
        out["influenced_share"] = zonal[f"share_influence_ge_{level:g}"].to_numpy()
        out["density_km_per_km2"] = zonal["density_mean"].to_numpy()
        for lev in DENSITY_THRESHOLDS_KM_PER_KM2:
            out[f"density_share_ge_{lev:g}"] = zonal[f"share_density_ge_{lev:g}"].to_numpy()
        return out, list(caveats)

    # ------------------------------------------------------------------- growth
    def growth(self, study: Study) -> tuple[Any, str | None]:
        """The in-migration model of a study (:func:`jokkgeo.workflows.growth.run_growth`) and why not, if not.

        Runs when the study has its sites and settlements layers; a site inventory the model cannot use
        (e.g. unknown statuses) gives ``(None, reason)`` instead of stopping the comparison. Parameters
        come from the study's ``parameters.growth``.

        Parameters
        ----------
        study
            The study.
        """
        from jokkgeo.errors import DataLayerError
        from jokkgeo.workflows.growth import GrowthOptions, run_growth

        opts = GrowthOptions(season=study.season, language=self.language).with_scenario(
            study.parameters.get("growth", {}), origin=_origin(study, "parameters.growth").split(": key")[0])
        if opts.sites_layer not in study or opts.settlements_layer not in study:
            return None, f"no layer '{opts.sites_layer}' or '{opts.settlements_layer}'"
        ids = [lid for lid in (opts.sites_layer, opts.settlements_layer, opts.housing_layer, opts.population_layer,
                               opts.services_layer, "boundary") if lid is not None and lid in study]
        net = self.network(study)

        def compute() -> tuple[Any, str | None]:
            try:
                return run_growth(study, opts, network=net).result, None
            except (AnalysisError, DataLayerError) as exc:
                log.warning("growth model not run for study %s: %s", study.name, exc)
                return None, str(exc)

        return self._cached("growth", (id(net), study.season, self._tokens(study, ids), repr(opts)), compute)

    # -------------------------------------------------------------- services
    def services(self, study: Study) -> Any:
        """Access to services in the study's season (:mod:`jokkgeo.workflows.services`), or ``None``.

        ``None`` when the study has no services-theme or no population-theme layer. Reused while the
        network, season, services, people and ``parameters.services`` are unchanged.

        Parameters
        ----------
        study
            The study.
        """
        from jokkgeo.workflows.service_inputs import ServiceOptions, services_of_study

        params = dict(study.parameters.get("services", {}))
        svc_ids = params.get("services_layers") or study.layers_of_theme("services")
        pop_ids = params.get("population_layers") or study.layers_of_theme("population")
        if not svc_ids or not pop_ids:
            return None
        extra = [params["newcomers_layer"]] if params.get("newcomers_layer") else []
        net = self.network(study)
        key = (id(net), study.season, self._tokens(study, [*svc_ids, *pop_ids, *extra]), repr(sorted(params.items())))
        options = ServiceOptions(seasons=(study.season,), language=self.language)

        def run() -> Any:
            try:
                return services_of_study(study, net, options)[0]
            except (TypeError, AnalysisError) as exc:
                raise AnalysisError(f"{_origin(study, 'parameters.services')}: {exc}") from None

        return self._cached("services", key, run)

    # ------------------------------------------------------------------- run
    def run(self, study: Study) -> StudyResults:
        """All analyses of one study (cached pieces are reused).

        Parameters
        ----------
        study
            The study.
        """
        timings: dict[str, float] = {}

        def timed(name: str, fn: Any) -> Any:
            t0 = time.perf_counter()
            out = fn()
            timings[name] = round(time.perf_counter() - t0, 3)
            return out

        net = timed("network", lambda: self.network(study))
        polys = timed("catchments", lambda: self.catchments(study))
        long, totals = timed("accessibility", lambda: self.places(study))
        table, citations, rules = timed("conflicts", lambda: self.conflicts(study))
        cross = timed("crossings", lambda: self.crossings(study))
        sameby, s_caveats = timed("surfaces", lambda: self.sameby(study))
        growth, growth_note = timed("growth", lambda: self.growth(study))
        services = timed("services", lambda: self.services(study))
        area = polys[["site_id", "minutes", "area_m2"]].copy()
        area["minutes"] = area["minutes"].astype(float)
        totals = totals.merge(area, on=["site_id", "minutes"], how="left")
        totals["area_m2"] = totals["area_m2"].fillna(0.0)
        from jokkgeo.analysis._common import as_inputs, caveats_for

        specs = _specs(study)
        inputs = as_inputs({lid: self._layer(study, lid) for lid in _vector_ids(study)}, specs)
        caveats = caveats_for(inputs, list(inputs), self.language) + rules.caveat_texts(self.language)
        for c in s_caveats:
            if c not in caveats:
                caveats.append(c)
        if rules.crossings is not None and len(cross):
            citations[rules.crossings.reference] = rules.crossings.citation
        if growth is not None:  # the in-migration model's caveats ("not a forecast") and sources travel with it
            caveats.extend(c for c in growth.caveats if c not in caveats)
            citations.update(growth.citations)
        return StudyResults(
            study=study,
            network=net,
            catchments=polys,
            places=long,
            totals=totals,
            conflicts=table,
            crossings=cross,
            sameby=sameby,
            caveats=caveats,
            citations=citations,
            params={
                "season": study.season,
                "parameters": study.parameters,
                "network_edits": list(getattr(net, "edits", ())),
                "layers": study.layer_ids,
            },
            timings=timings,
            growth=growth,
            growth_note=growth_note,
            services=services,
        )

    def compare(self, baseline: Study, scenario: Study) -> Comparison:
        """Run both studies (sharing work) and return their :class:`Comparison`.

        Parameters
        ----------
        baseline, scenario
            The two studies.
        """
        t0 = time.perf_counter()
        b = self.run(baseline)
        t1 = time.perf_counter()
        s = self.run(scenario)
        t2 = time.perf_counter()
        comp = compare_results(b, s)
        comp.params["seconds"] = {"baseline": round(t1 - t0, 3), "scenario": round(t2 - t1, 3),
                                  "differences": round(time.perf_counter() - t2, 3)}
        comp.params["cache"] = dict(self.stats)
        return comp


# ----------------------------------------------------------------------------- differences
def _minutes_list(res: StudyResults) -> list[float]:
    return sorted(set(res.totals["minutes"].astype(float))) if len(res.totals) else []


def compare_results(base: StudyResults, scen: StudyResults) -> Comparison:
    """Differences between two :class:`StudyResults` (pure; see :mod:`jokkgeo.analysis.diff`).

    Parameters
    ----------
    base, scen
        Results of the baseline and the scenario study.
    """
    from jokkgeo.analysis.conflicts import KEY_COLUMNS

    tables: dict[str, pd.DataFrame] = {}
    layers: dict[str, gpd.GeoDataFrame] = {}
    values = ["area_m2", "population", "dwellings", "housing_area_m2"]
    tables["catchment_totals"] = diff.table_changes(base.totals, scen.totals, keys=["site_id", "minutes"],
                                                    values=values)
    bp = base.catchments[base.catchments.geometry.notna()]
    sp = scen.catchments[scen.catchments.geometry.notna()]
    layers["catchment_changes"] = diff.area_changes(bp, sp, keys=["site_id", "minutes"], min_area_m2=AREA_TOLERANCE_M2)
    layers["catchments_baseline"] = bp
    layers["catchments_scenario"] = sp
    bands = sorted(set(_minutes_list(base)) | set(_minutes_list(scen))) or list(DEFAULT_MINUTES)
    keys = ["site_id", "place_layer", "place_id"]
    acc = diff.access_changes(base.places, scen.places, keys=keys, bands_minutes=bands)
    names = pd.concat([base.places[[*keys, "place"]], scen.places[[*keys, "place"]]]).drop_duplicates(keys)
    acc = acc.merge(names, on=keys, how="left")
    in_base = pd.MultiIndex.from_frame(acc[keys]).isin(pd.MultiIndex.from_frame(base.places[keys]))
    in_scen = pd.MultiIndex.from_frame(acc[keys]).isin(pd.MultiIndex.from_frame(scen.places[keys]))
    acc["place_status"] = np.where(~in_base, "new_place", np.where(~in_scen, "removed_place", "existing"))
    tables["access_changes"] = acc[["site_id", "band_minutes", "change", "place_layer", "place_id", "place",
                                    "place_status", "minutes_baseline", "minutes_scenario"]]
    carry = [c for c in ("dev_label", "sens_label", "dev_theme", "sens_theme", "zoi_area_m2", "weighted_area_m2",
                         "distance_m", "reference", "illustrative")
             if c in base.conflicts.columns or c in scen.conflicts.columns]
    cc = diff.keyed_changes(base.conflicts, scen.conflicts, keys=KEY_COLUMNS, compare=["severity"], carry=carry)
    zb = _zoi(base.conflicts)
    zs = _zoi(scen.conflicts)
    # a matched conflict whose zone area changed (e.g. the sensitive area was filtered) counts as changed
    area_change = diff.table_changes(zb, zs, keys=KEY_COLUMNS + ["key_occurrence"], values=["zoi_area_m2"],
                                     atol=AREA_TOLERANCE_M2, only_changed=True)
    area_change = area_change[area_change["status"] == "both"]
    if len(area_change):
        extra = _area_changed_rows(base.conflicts, scen.conflicts, area_change, carry)
        cc = pd.concat([cc, extra[~extra.set_index(KEY_COLUMNS + ["key_occurrence"]).index.isin(
            cc.set_index(KEY_COLUMNS + ["key_occurrence"]).index)]], ignore_index=True)
        cc = gpd.GeoDataFrame(cc, geometry="geometry", crs=WORKING_CRS)
    layers["conflict_changes"] = cc
    tables["conflict_changes"] = pd.DataFrame(cc.drop(columns="geometry")) if "geometry" in cc.columns else cc
    sb = base.sameby
    ss = scen.sameby
    share_cols = [c for c in ("influenced_share", "density_km_per_km2", "density_share_ge_0.8", "density_share_ge_1.3")
                  if c in sb.columns and c in ss.columns]
    if len(sb) or len(ss):
        tables["sameby_changes"] = diff.table_changes(sb, ss, keys=["sameby"], values=share_cols, atol=1e-9)
    else:
        tables["sameby_changes"] = pd.DataFrame(columns=["sameby"])
    ckeys = ["route_layer", "route_id", "infra_layer", "infra_id"]
    if all(c in base.crossings.columns for c in ckeys) and all(c in scen.crossings.columns for c in ckeys):
        carry_c = [c for c in ("route_label", "infra_label", "infra_type", "infra_theme", "shared_stretch")
                   if c in scen.crossings.columns or c in base.crossings.columns]
        xc = diff.keyed_changes(base.crossings, scen.crossings, keys=ckeys, carry=carry_c)
    else:
        xc = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in [*ckeys, "status"]},
                              geometry=gpd.GeoSeries([], crs=WORKING_CRS), crs=WORKING_CRS)
    layers["crossing_changes"] = xc
    tables["crossing_changes"] = pd.DataFrame(xc.drop(columns="geometry")) if "geometry" in xc.columns else xc
    def all_changes(study: Study) -> list[Any]:
        return [c for st in _chain(study) for c in st.changes]

    b_changes, s_changes = all_changes(base.study), all_changes(scen.study)
    rows = [{"layer": c.layer, "change": c.kind, "detail": c.detail, "only_in": "scenario"}
            for c in s_changes if c not in b_changes]
    rows += [{"layer": c.layer, "change": c.kind, "detail": c.detail, "only_in": "baseline"}
             for c in b_changes if c not in s_changes]
    tables["layer_changes"] = pd.DataFrame(rows, columns=["layer", "change", "detail", "only_in"])
    from jokkgeo.analysis.growth import growth_changes

    tables["growth_changes"] = growth_changes(base.growth, scen.growth)
    tables.update(service_changes(base.services, scen.services))
    # one consolidated illustrative note comes from the map/summary; drop the per-analysis lists
    prefixes = ("Illustrativa (schematiska) data", "Illustrative (schematic) data")
    caveats = [c for c in dict.fromkeys(base.caveats + scen.caveats) if not c.startswith(prefixes)]
    citations = {**base.citations, **scen.citations}
    params = {
        "baseline": base.study.name,
        "scenario": scen.study.name,
        "baseline_params": base.params,
        "scenario_params": scen.params,
        "changed_layers": sorted(scen.study.changed_layers(base.study)),
        "timings": {"baseline": base.timings, "scenario": scen.timings},
        "crs": WORKING_CRS,
    }
    return Comparison(baseline=base, scenario=scen, tables=tables, layers=layers, caveats=caveats,
                      citations=citations, params=params)


SERVICE_BAND_COLUMNS = ["kind", "minutes", "people_within_baseline", "people_within_scenario", "people_within_change",
                        "status"]
SERVICE_LOAD_COLUMNS = ["service_id", "name", "kind", "residents_baseline", "residents_scenario", "residents_change",
                        "status"]


def service_changes(base: Any, scen: Any) -> dict[str, pd.DataFrame]:
    """People per band and kind, and the load per service, baseline against scenario.

    Each side counts its residents plus its newcomers (``growth``) where it has them, in its own
    season. Tables: ``service_changes`` (``kind``, ``minutes``, ``people_within_*``) and
    ``service_load_changes`` (``service_id``, ``name``, ``kind``, ``residents_*``: people for whom
    the service is the nearest of its kind); empty when neither study has services.

    Parameters
    ----------
    base, scen
        :class:`~jokkgeo.analysis.services.ServiceAccessResult` of each study, or ``None``.
    """
    def bands(res: Any) -> pd.DataFrame:
        if res is None or not len(res.bands):
            return pd.DataFrame(columns=["kind", "minutes", "people_within"])
        b = res.bands
        b = b[b["scenario"] == ("growth" if (b["scenario"] == "growth").any() else "today")]
        return b.groupby(["kind", "minutes"], as_index=False)["people_within"].sum()

    def load(res: Any) -> pd.DataFrame:
        if res is None or not len(res.load):
            return pd.DataFrame(columns=["service_id", "kind", "name", "residents"])
        frame = pd.DataFrame(res.load.drop(columns=res.load.geometry.name))
        total = frame["residents_after"] if res.newcomers is not None else frame["residents"]
        frame = frame.assign(residents=total.astype(float))
        return frame.groupby(["service_id", "kind"], as_index=False).agg(name=("name", "first"),
                                                                         residents=("residents", "sum"))

    if base is None and scen is None:
        return {"service_changes": pd.DataFrame(columns=SERVICE_BAND_COLUMNS),
                "service_load_changes": pd.DataFrame(columns=SERVICE_LOAD_COLUMNS)}
    bc = diff.table_changes(bands(base), bands(scen), keys=["kind", "minutes"], values=["people_within"], atol=1e-6)
    lb, ls = load(base), load(scen)
    lc = diff.table_changes(lb.drop(columns="name"), ls.drop(columns="name"), keys=["service_id", "kind"],
                            values=["residents"], atol=1e-6)
    names = pd.concat([lb[["service_id", "name"]], ls[["service_id", "name"]]]).drop_duplicates("service_id",
                                                                                                keep="last")
    lc = lc.merge(names, on="service_id", how="left")
    return {"service_changes": bc[SERVICE_BAND_COLUMNS].reset_index(drop=True),
            "service_load_changes": lc[SERVICE_LOAD_COLUMNS].reset_index(drop=True)}


def _zoi(table: pd.DataFrame) -> pd.DataFrame:
    from jokkgeo.analysis.conflicts import KEY_COLUMNS

    out = pd.DataFrame(table[KEY_COLUMNS]).copy()
    out["key_occurrence"] = out.groupby(KEY_COLUMNS, dropna=False).cumcount().to_numpy()
    out["zoi_area_m2"] = pd.to_numeric(table["zoi_area_m2"], errors="coerce").fillna(0.0).to_numpy() \
        if "zoi_area_m2" in table.columns else 0.0
    return out


def _area_changed_rows(base: gpd.GeoDataFrame, scen: gpd.GeoDataFrame, changed: pd.DataFrame,
                       carry: list[str]) -> gpd.GeoDataFrame:
    from jokkgeo.analysis.conflicts import KEY_COLUMNS

    full = KEY_COLUMNS + ["key_occurrence"]
    s = scen.copy()
    s["key_occurrence"] = s.groupby(KEY_COLUMNS, dropna=False).cumcount().to_numpy()
    b = pd.DataFrame(base[KEY_COLUMNS + ["severity"]]).copy()
    b["key_occurrence"] = b.groupby(KEY_COLUMNS, dropna=False).cumcount().to_numpy()
    rows = s.merge(changed[full], on=full, how="inner").merge(
        b.rename(columns={"severity": "severity_baseline"}), on=full, how="left")
    rows["severity_scenario"] = rows["severity"]
    rows["status"] = diff.CHANGED
    cols = [*full, "status", "severity_baseline", "severity_scenario", *carry, "geometry"]
    return gpd.GeoDataFrame(rows[[c for c in cols if c in rows.columns]], geometry="geometry", crs=WORKING_CRS)


def study_network(study: Any, store: LayerStore, roads_id: str, *, root_path: Path | None = None) -> Any:
    """The road network of a study: the run's shared network, or the scenario's edited one.

    Parameters
    ----------
    study
        The study.
    store
        The run's layers (the network is built once per run).
    roads_id
        The road layer of the catalogue.
    root_path
        Project folder (for the comparison runner a road-changing scenario needs).
    """
    from jokkgeo.workflows.catchments import road_network

    root = study
    while root.base is not None:
        root = root.base
    road_ids = set(study.layers_of_theme("roads")) | set(root.layers_of_theme("roads"))
    if study is root or not (study.changed_layers(root) & road_ids):
        return road_network(store, roads_id)
    runner = store.shared.get("compare_runner")
    if runner is None:
        runner = store.shared["compare_runner"] = StudyRunner(root=root_path or Path.cwd())
    return runner.network(study)


def run_comparison(
    catalogue: Mapping[str, LayerSpec],
    scenarios: Any,
    *,
    scenario: str,
    baseline: str = "baseline",
    root: Path,
    language: str = "sv",
    allow_outside: bool = False,
    store: Any = None,
    on_step: Any = None,
) -> tuple[Comparison, Study, Study]:
    """Baseline vs scenario: the one comparison workflow (``jokkgeo compare`` and the report's ``compare``).

    Parameters
    ----------
    catalogue
        The layers both studies start from (a public report passes only the allowed ones).
    scenarios
        A :class:`~jokkgeo.config.scenarios.ScenarioSet`.
    scenario, baseline
        Names of the two scenarios (``baseline``: the study without changes).
    root, language, allow_outside
        As :class:`StudyRunner`.
    store
        The run's :class:`~jokkgeo.study.store.LayerStore`: layers are shared with the rest of the run,
        and so is one :class:`StudyRunner` (``store.shared["compare_runner"]``), so a baseline is analysed once.
    on_step
        Called with a one-line message per step.

    Returns
    -------
    (Comparison, Study, Study)
        The differences and the two studies.
    """
    from jokkgeo.i18n import text
    from jokkgeo.study.scenario import prepare_studies

    step = on_step or log.info
    base, scen = prepare_studies(catalogue, scenarios, baseline=baseline, scenario=scenario, store=store)
    runner = store.shared.get("compare_runner") if store is not None else None
    if runner is None:
        runner = StudyRunner(root=root, language=language, allow_outside=allow_outside)
        if store is not None:
            store.shared["compare_runner"] = runner
    step(text("step.compare", language, baseline=baseline, scenario=scenario))
    return runner.compare(base, scen), base, scen


__all__ = ["Comparison", "StudyResults", "StudyRunner", "compare_results", "run_comparison", "service_changes",
           "study_network"]
