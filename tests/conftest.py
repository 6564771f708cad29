"""Fixtures shared by the whole suite: one toy project, one toy road network, one CLI runner.

Everything is tiny and built in code (no file of the repository is read):

* ``toy_project`` — a project folder in ``tmp_path``: ``data/toy.gpkg``, ``layers/*.yaml``,
  ``maps/*.yaml``, ``scenarios/*.yaml`` and ``rules.yaml``. Its layers cover every theme the
  analyses select (roads, settlements, sites, housing land, sameby, calving land, migration route,
  power line, boundary, population, services), with attribute values that try injection
  (:data:`INJECTIONS`), and two recipes (``overview``; ``kallak`` with a conflicts analysis).
  ``make_project`` is the factory behind it, for tests that need a variant (other recipes, extra
  layers, a far site);
  ``project_factory`` is the same for module-scoped fixtures.
* ``scenario_study`` — the toy *scenario* study, a variant of the project (other geometry with
  hand-solved travel times; scenarios ``shortcut``, ``no_power``, ``slow``), see
  :func:`scenario_study_layers`.
* ``toy_roads`` / ``toy_network`` — the hand-solved network of the catchment tests.
* ``run_cli`` — runs ``jokkgeo ...`` in-process through :class:`click.testing.CliRunner`.

Loader tests keep their all-formats sample (``tests/io/iosample.py``, fixtures in
``tests/io/conftest.py``).

Tests known to take long carry ``@pytest.mark.slow`` in their file (``make test-fast`` skips them).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import yaml
from click.testing import CliRunner, Result
from shapely import affinity
from shapely.geometry import LineString, Point, box

CRS = "EPSG:3006"
# Toy coordinates are metres around (0, 0), moved into Jokkmokk (SWEREF 99 TM) so loaders accept them.
X0, Y0 = 740_000.0, 7_370_000.0
INJECTIONS = ("{{ 7*7 }}", "<img src=x onerror=alert(1)>", "<script>window.__pwned=1</script>")
META = {"provenance": "Toy data built in tests", "licence": "CC0 1.0", "attribution": "test", "accuracy_m": 10}

# --------------------------------------------------------------------------- the toy project

TOY_INVENTORY: dict[str, list[Any]] = {
    "status_note": ["toy"], "jobs_construction": [300], "jobs_construction_source": ["assumption: toy"],
    "jobs_construction_assumed": [True], "jobs_operation": [250], "jobs_operation_source": ["toy source"],
    "jobs_operation_assumed": [False], "start_year": [2028], "start_year_source": ["assumption: toy"],
    "start_year_assumed": [True], "full_operation_year": [2030], "full_operation_year_source": ["assumption: toy"],
    "full_operation_year_assumed": [True],
}
"""Inventory columns of the toy site (investment inventory contract: figures with source and assumed flag)."""


def _frame(data: Mapping[str, Sequence[Any]], geoms: Sequence[Any]) -> gpd.GeoDataFrame:
    moved = [affinity.translate(g, X0, Y0) for g in geoms]
    return gpd.GeoDataFrame(dict(data), geometry=moved, crs=CRS)


def toy_layers() -> dict[str, tuple[dict[str, Any], gpd.GeoDataFrame]]:
    """Layer id -> (spec fields without source, data) of the toy project.

    Geometry (toy metres): study area 0..40 km square, neighbour north of it; roads along y = 20 km
    (E45, trunk 90) and x = 20 km (97, primary 70); village ``Jåhkåmåhkke`` at the crossing; site
    ``kallak`` at (25 km, 25 km) inside the calving land (22..32 km square) and the sameby (20..40 km,
    20..40 km); a power line at x = 30 km crossing the migration route along y = 30 km; population points
    (tätort at the crossing, a village, a modelled road point) and two services beside the crossing.
    """
    return {
        "boundary": (
            {"title": "Kommungränser", "title_en": "Municipal boundaries", "theme": "boundary",
             "geometry_type": "Polygon", "style": {"color": "#444444", "fill_opacity": 0.0, "popup": ["name", "code"]}},
            _frame({"code": ["2510", "2523"], "name": ["Jokkmokk", "Gällivare"], "is_study_area": [True, False]},
                   [box(0, 0, 40_000, 40_000), box(0, 40_000, 40_000, 60_000)]),
        ),
        "settlements": (
            {"title": "Orter", "title_en": "Settlements", "theme": "settlements", "geometry_type": "Point",
             "style": {"categorical": {"field": "kind", "values": {
                 "tatort": {"color": "#d62728", "label": "Tätort", "label_en": "Urban area"},
                 "by": {"color": "#ff7f0e", "label": "By", "label_en": "Village"}}},
                 "popup": {"name": "Namn", "kind": "<b>Typ</b>", "population": "Invånare"},
                 "tooltip": "name", "label_field": "name"}},
            _frame({"name": ["Jåhkåmåhkke", INJECTIONS[0], INJECTIONS[1], INJECTIONS[2]],
                    "kind": ["tatort", "by", "by", "tatort"], "population": [2766, 623, 265, 95]},
                   [Point(20_000, 20_000), Point(5_000, 20_000), Point(20_000, 8_000), Point(35_000, 20_000)]),
        ),
        "roads": (
            {"title": "Vägar", "title_en": "Roads", "theme": "roads", "geometry_type": "LineString",
             "style": {"color": "#8c564b", "weight": 3, "popup": ["ref", "name"], "tooltip": "ref"}},
            _frame({"osmid": [1, 2, 3, 4], "ref": ["E45", "E45", "97", "97"],
                    "highway": ["trunk", "trunk", "primary", "primary"], "maxspeed": ["90", "90", "70", "70"],
                    "oneway": ["no"] * 4, "name": [INJECTIONS[2], "E45", "Riksväg 97", "Riksväg 97"]},
                   [LineString([(0, 20_000), (20_000, 20_000)]), LineString([(20_000, 20_000), (40_000, 20_000)]),
                    LineString([(20_000, 0), (20_000, 20_000)]), LineString([(20_000, 20_000), (20_000, 40_000)])]),
        ),
        "investment_sites": (
            {"title": "Investeringsplatser", "theme": "investment_sites", "geometry_type": "Point",
             "style": {"color": "#e377c2", "popup": ["name", "type"]}},
            _frame({"site_id": ["kallak"], "name": ["Kallak/Gállok"], "type": ["mine"], "status": ["planned"],
                    **TOY_INVENTORY}, [Point(25_000, 25_000)]),
        ),
        "investment_areas": (
            {"title": "Investeringsområden", "theme": "investment_sites", "geometry_type": "Polygon",
             "style": {"color": "#e377c2", "popup": ["name", "type"]}},
            _frame({"site_id": ["kallak"], "name": ["Kallak/Gállok"], "type": ["mine"], "status": ["planned"],
                    **TOY_INVENTORY, "source": ["toy"]}, [box(24_000, 24_000, 26_000, 26_000)]),
        ),
        "housing_land": (
            {"title": "Bostadsmark", "theme": "housing_land", "geometry_type": "Polygon", "illustrative": True,
             "style": {"color": "#17becf"}},
            _frame({"area_id": ["h1"], "name": ["Toy housing"], "dwellings": [10]},
                   [box(19_000, 21_000, 19_500, 21_500)]),
        ),
        "reindeer_samebyar": (
            {"title": "Samebyar", "theme": "reindeer_herding", "geometry_type": "Polygon", "illustrative": True,
             "caveat": "Schematisk; samråd med samebyn krävs.", "style": {"color": "#2ca02c", "fill_opacity": 0.1}},
            _frame({"sameby": ["Toy sameby"]}, [box(20_000, 20_000, 40_000, 40_000)]),
        ),
        "reindeer_calving_land": (
            {"title": "Kalvningsland", "theme": "reindeer_herding", "geometry_type": "Polygon",
             "sensitivity": "restricted", "illustrative": True, "consent": "toy data",
             "caveat": "Idealiserat normalår; samråd med samebyn krävs.",
             "style": {"color": "#2ca02c", "fill_opacity": 0.3, "popup": ["sameby"]}},
            _frame({"sameby": [INJECTIONS[1]], "kind": ["kalvningsland"]}, [box(22_000, 22_000, 32_000, 32_000)]),
        ),
        "reindeer_migration_routes": (
            {"title": "Flyttleder", "theme": "reindeer_herding", "geometry_type": "LineString", "illustrative": True,
             "style": {"color": "#9467bd"}},
            _frame({"route_id": ["r1"], "sameby": ["Toy sameby"]}, [LineString([(21_000, 30_000), (39_000, 30_000)])]),
        ),
        "power_lines": (
            {"title": "Kraftledningar", "theme": "power", "geometry_type": "LineString", "style": {"color": "#7f7f7f"}},
            _frame({"name": ["p"], "voltage_kv": [130]}, [LineString([(30_000, 10_000), (30_000, 39_000)])]),
        ),
        "population": (
            {"title": "Befolkning", "title_en": "Population", "theme": "population", "geometry_type": "Point",
             "illustrative": True, "caveat": "Modellerad", "caveat_en": "Modelled",
             "style": {"color": "#542788", "popup": ["name", "population"]}},
            _frame({"name": ["Jåhkåmåhkke", "by", "vägpunkt 1"], "kind": ["tatort", "village", "modelled_road"],
                    "population": [2766.0, 100.0, 8.0], "working_age": [1432.0, 51.8, 4.14],
                    "age_1_5": [128.0, 4.63, 0.37], "age_6_15": [256.0, 9.25, 0.74],
                    "age_65_plus": [838.0, 30.29, 2.42], "modelled": [False, True, True],
                    "source": ["SCB (toy)", "modelled (toy)", "modelled (toy)"]},
                   [Point(20_000, 20_000), Point(5_000, 20_000), Point(30_000, 20_000)]),
        ),
        "services": (
            {"title": "Service", "title_en": "Services", "theme": "services", "geometry_type": "Point",
             "illustrative": True, "caveat": "Illustrativa lägen", "caveat_en": "Illustrative positions",
             "style": {"color": "#1f78b4", "popup": ["name", "kind"]}},
            _frame({"service_id": ["school", "hc"], "name": ["Skola", "Hälsocentral"],
                    "kind": ["school", "health_centre"],
                    "locality": ["Jåhkåmåhkke", "Jåhkåmåhkke"], "capacity": [200, None], "source": ["toy", "toy"],
                    "accuracy_m": [500.0, 500.0], "illustrative": [True, True]},
                   [Point(20_500, 20_000), Point(19_500, 20_000)]),
        ),
    }


TOY_RECIPES: dict[str, dict[str, Any]] = {
    "overview": {
        "title": "Översikt", "title_en": "Overview", "description": "Alla teman",
        "layers": ["boundary", "reindeer_calving_land", "investment_areas", "roads", "settlements"],
        "extent": "study_area", "extent_buffer_m": 2000, "caveats": ["Testdata"],
        "figure": {"formats": ["png"], "dpi": 60},
    },
    "kallak": {
        "title": "Kallak och rennäringen",
        "layers": ["investment_areas", "reindeer_calving_land", "roads"],
        "analyses": [{"type": "conflicts", "development": [{"layer": "investment_areas",
                                                            "where": {"site_id": ["kallak"]}}],
                      "sensitive": ["reindeer_calving_land"]}],
        "extent": "kallak", "extent_buffer_m": 10000, "legend_order": ["conflicts_polygon"],
        "figure": {"formats": ["png", "svg"], "dpi": 60},
    },
}

TOY_RULES: dict[str, Any] = {
    "version": 1,
    "references": {"toy": "Toy reference (hand-made test rule)."},
    "rules": [{"id": "power_reindeer", "development": {"theme": "power"}, "sensitive": {"layer": "reindeer_samebyar"},
               "zones_m": [1000], "decay": "step", "severity": "major", "reference": "toy"}],
    "surfaces": [{"id": "power", "development": {"theme": "power"}, "radius_m": 1000, "decay": "step",
                  "reference": "toy"}],
    "crossings": {"infrastructure": [{"layer": "power_lines"}, {"layer": "roads"}],
                  "routes": {"layer": "reindeer_migration_routes"}, "reference": "toy"},
}

TOY_SCENARIOS: dict[str, dict[str, Any]] = {
    "no_power": {"title": "Utan kraftledning", "remove_layers": ["power_lines"]},
    "slow": {"title": "Långsamt", "road_changes": [{"select": {"osmid": 2}, "set": {"maxspeed": 30}}]},
}


# --------------------------------------------------------------------------- the scenario study (a variant)

_SCENARIO_META = {"provenance": "toy", "accuracy_m": 1}


def scenario_study_layers(*, far_site: bool = False) -> dict[str, tuple[dict[str, Any], gpd.GeoDataFrame]]:
    """The layers of the toy *scenario* study (hand-solved times, one conflict, one crossing).

    Toy metres: site ``s`` at (0, 0); village ``v`` (500 inhabitants) at (6000, 0); baseline roads a
    detour (0,0)-(0,3000)-(6000,3000)-(6000,0), 12 km at 60 km/h = 12 min; a sameby polygon
    (0..10 km x -5..-1 km) crossed by a power line at x = 3000 (y from -6 to 0 km) and a migration
    route along y = -3000 (x from 1 to 9 km). ``far_site`` adds a site ``far`` at (60 km, 0) on its
    own 6 km road, out of reach of every edit of the scenarios.
    """
    n = 2 if far_site else 1
    road_geoms = [LineString([(0, 0), (0, 3000)]), LineString([(0, 3000), (6000, 3000)]),
                  LineString([(6000, 3000), (6000, 0)])]
    roads = {"osmid": [1, 2, 3], "highway": ["primary"] * 3, "maxspeed": ["60"] * 3, "ref": ["1", "1", "1"]}
    if far_site:
        road_geoms.append(LineString([(60000, 0), (66000, 0)]))
        roads = {"osmid": [1, 2, 3, 4], "highway": ["primary"] * 4, "maxspeed": ["60"] * 4, "ref": ["1", "1", "1", "9"]}

    def spec(lid: str, theme: str, gtype: str) -> dict[str, Any]:
        return {"title": lid, "theme": theme, "geometry_type": gtype, **_SCENARIO_META}

    return {
        "roads": (spec("roads", "roads", "LineString"), _frame(roads, road_geoms)),
        "investment_sites": (spec("investment_sites", "investment_sites", "Point"),
                             _frame({"site_id": ["s", "far"][:n], "name": ["Site", "Far"][:n]},
                                    [Point(0, 0), Point(60000, 0)][:n])),
        "settlements": (spec("settlements", "settlements", "Point"),
                        _frame({"name": ["v"], "population": [500]}, [Point(6000, 0)])),
        "housing_land": (spec("housing_land", "housing_land", "Polygon"),
                         _frame({"area_id": ["h"], "dwellings": [10]}, [box(-100, 3100, 100, 3300)])),
        "reindeer_samebyar": (spec("reindeer_samebyar", "reindeer_herding", "Polygon"),
                              _frame({"sameby": ["Toy sameby"]}, [box(0, -5000, 10000, -1000)])),
        "reindeer_migration_routes": (spec("reindeer_migration_routes", "reindeer_herding", "LineString"),
                                      _frame({"route_id": ["r1"], "sameby": ["Toy sameby"]},
                                             [LineString([(1000, -3000), (9000, -3000)])])),
        "power_lines": (spec("power_lines", "power", "LineString"),
                        _frame({"name": ["p"], "voltage_kv": [130]}, [LineString([(3000, -6000), (3000, 0)])])),
    }


SCENARIO_STUDY_SCENARIOS: dict[str, dict[str, Any]] = {
    "shortcut": {"title": "Genväg", "add_layers": [{
        "id": "shortcut", "title": "Genväg", "theme": "roads", "geometry_type": "LineString",
        "source": {"path": "data/scen.gpkg", "layer": "shortcut"}, "illustrative": True, **META, **_SCENARIO_META,
        "append_to": "roads"}]},
    "no_power": {"title": "Utan kraftledning", "remove_layers": ["power_lines"]},
    "slow": {"title": "Långsamt", "road_changes": [{"select": {"osmid": 2}, "set": {"maxspeed": 30}}]},
}
"""Scenarios of the scenario study: ``shortcut`` (a 6 km road straight from s to v, 6 min),
``no_power`` (power line removed), ``slow`` (the middle road at 30 km/h)."""


def scenario_study_options(*, far_site: bool = False) -> dict[str, Any]:
    """:func:`build_project` options that make the scenario study (no recipes; the toy rules)."""
    shortcut = _frame({"osmid": [99], "highway": ["primary"], "maxspeed": ["60"], "ref": ["2"]},
                      [LineString([(0, 0), (6000, 0)])])
    layers = scenario_study_layers(far_site=far_site)
    return {"layers": layers, "only": list(layers), "recipes": {}, "scenarios": SCENARIO_STUDY_SCENARIOS,
            "rules": TOY_RULES, "data": {"scen.gpkg": {"shortcut": shortcut}}}


def write_yaml(path: Path, data: Any) -> Path:
    """Write ``data`` as UTF-8 YAML at ``path`` (parents created); return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build_project(
    root: Path,
    *,
    layers: Mapping[str, tuple[dict[str, Any], gpd.GeoDataFrame]] | None = None,
    only: Sequence[str] | None = None,
    recipes: Mapping[str, dict[str, Any]] | None = None,
    scenarios: Mapping[str, dict[str, Any]] | None = None,
    rules: Mapping[str, Any] | None = None,
    data: Mapping[str, Mapping[str, gpd.GeoDataFrame]] | None = None,
) -> Path:
    """Write a project folder at ``root`` (the toy project unless told otherwise) and return ``root``.

    ``layers`` replaces or adds layers (id -> (spec fields, frame)); ``only`` keeps just those ids;
    ``recipes``, ``scenarios`` and ``rules`` replace the toy ones (``{}`` writes none); ``data`` writes
    more files into ``data/`` that no layer spec names (file name -> layer -> frame, e.g. scenario inputs).
    """
    chosen = toy_layers()
    chosen.update(layers or {})
    if only is not None:
        chosen = {k: v for k, v in chosen.items() if k in only}
    gpkg = root / "data" / "toy.gpkg"
    gpkg.parent.mkdir(parents=True, exist_ok=True)
    for lid, (fields, frame) in chosen.items():
        frame.to_file(gpkg, layer=lid, driver="GPKG")
        spec = {"id": lid, "source": {"path": "data/toy.gpkg", "layer": lid}, **META, **copy.deepcopy(fields)}
        write_yaml(root / "layers" / f"{lid}.yaml", spec)
    (root / "maps").mkdir(exist_ok=True)
    for rid, recipe in (TOY_RECIPES if recipes is None else recipes).items():
        write_yaml(root / "maps" / f"{rid}.yaml", recipe)
    (root / "scenarios").mkdir(exist_ok=True)
    for sid, scenario in (TOY_SCENARIOS if scenarios is None else scenarios).items():
        write_yaml(root / "scenarios" / f"{sid}.yaml", scenario)
    write_yaml(root / "rules.yaml", TOY_RULES if rules is None else rules)
    for file, frames in (data or {}).items():
        for layer, frame in frames.items():
            frame.to_file(root / "data" / file, layer=layer, driver="GPKG")
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``make_project(name="project", **build_project_options)`` -> a new project folder."""

    def make(name: str = "project", **options: Any) -> Path:
        return build_project(tmp_path / name, **options)

    return make


@pytest.fixture(scope="session")
def project_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Like :func:`make_project`, for module- or session-scoped fixtures: ``project_factory("name", **options)``."""

    def make(name: str = "project", **options: Any) -> Path:
        return build_project(tmp_path_factory.mktemp(name), **options)

    return make


@pytest.fixture(scope="session")
def scenario_study(project_factory: Callable[..., Path]) -> Callable[..., Path]:
    """Factory of the scenario study: ``scenario_study("name", far_site=False, **build_project_options)``."""

    def make(name: str = "scenarios", *, far_site: bool = False, **options: Any) -> Path:
        return project_factory(name, **{**scenario_study_options(far_site=far_site), **options})

    return make


@pytest.fixture
def toy_project(make_project: Callable[..., Path]) -> Path:
    """The toy project folder (``<tmp_path>/project``): data/, layers/, maps/, scenarios/, rules.yaml."""
    return make_project()


# --------------------------------------------------------------------------- the toy road network


@pytest.fixture
def toy_roads() -> gpd.GeoDataFrame:
    """The hand-solved toy roads of the catchment and accessibility tests (speeds in km/h).

    A(0,0) -36- B(1000,0) -72- C(2000,0) -18- E(3000,0); B -> D(1000,1000) one-way residential at 36;
    D - C tertiary SE:urban (50); an island F(10000,0) - G(11000,0) at 36.
    """
    lines = [[(0, 0), (1000, 0)], [(1000, 0), (2000, 0)], [(1000, 0), (1000, 1000)], [(1000, 1000), (2000, 0)],
             [(2000, 0), (3000, 0)], [(10000, 0), (11000, 0)]]
    return gpd.GeoDataFrame(
        {
            "highway": ["primary", "primary", "residential", "tertiary", "unclassified", "unclassified"],
            "maxspeed": ["36", "72", "36", "SE:urban", "18", "36"],
            "oneway": ["no", "no", "yes", "no", "no", "no"],
        },
        geometry=[LineString(c) for c in lines],
        crs=CRS,
    )


@pytest.fixture
def toy_network(toy_roads: gpd.GeoDataFrame) -> Any:
    """:class:`jokkgeo.network.graph.RoadNetwork` of :func:`toy_roads`."""
    from jokkgeo.network.graph import graph_from_lines

    return graph_from_lines(toy_roads)


# --------------------------------------------------------------------------- the CLI runner


class CliRun:
    """Run ``jokkgeo ARGS`` in-process with the exit codes of :func:`jokkgeo.cli.main.main`.

    0 success, 2 user error (``JokkgeoError`` or a click usage error: message on stderr), and an
    internal error (any other exception) *raises* in the test with its traceback, unless
    ``internal_ok=True`` asks for main()'s behaviour: a result with exit code 1.
    """

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: Any, internal_ok: bool = False, **kwargs: Any) -> Result:
        from jokkgeo.cli.main import cli

        argv = [str(a) for a in args]
        if internal_ok:
            return self.runner.invoke(cli, argv, catch_exceptions=True, **kwargs)
        return self.runner.invoke(cli, argv, catch_exceptions=False, **kwargs)


@pytest.fixture
def run_cli() -> CliRun:
    """``run_cli("layers", "list", "--catalog", dir)`` -> click Result (``exit_code``, ``output``, ``stderr``)."""
    return CliRun()
