"""Fixtures shared by the whole suite: one toy project, one toy road network, one CLI runner.

Everything is tiny and built in code (no file of the repository is read):

* ``toy_project`` — a project folder in ``tmp_path``: ``data/toy.gpkg``, ``layers/*.yaml``,
  ``maps/*.yaml``, ``scenarios/*.yaml`` and ``rules.yaml``. Its layers cover every theme the
  analyses select (roads, settlements, sites, housing land, sameby, calving land, migration route,
  power line, boundary), with attribute values that try injection. ``make_project`` is the factory
  behind it, for tests that need a variant (other recipes, extra layers, a far site).
* ``toy_roads`` / ``toy_network`` — the hand-solved network of the catchment tests.
* ``run_cli`` — runs ``jokkgeo ...`` in-process through :class:`click.testing.CliRunner`.

The lead migrates the four older builders (tests/render/toyproject.py, tests/io/iosample.py,
tests/analysis/helpers_*.py, tests/analysis/conftest.py) onto these.

Tests known to take long carry the ``slow`` marker (``make test-fast`` skips them); see ``SLOW``.
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


def _frame(data: Mapping[str, Sequence[Any]], geoms: Sequence[Any]) -> gpd.GeoDataFrame:
    moved = [affinity.translate(g, X0, Y0) for g in geoms]
    return gpd.GeoDataFrame(dict(data), geometry=moved, crs=CRS)


def toy_layers() -> dict[str, tuple[dict[str, Any], gpd.GeoDataFrame]]:
    """Layer id -> (spec fields without source, data) of the toy project.

    Geometry (toy metres): study area 0..40 km square, neighbour north of it; roads along y = 20 km
    (E45, trunk 90) and x = 20 km (97, primary 70); village ``Jåhkåmåhkke`` at the crossing; site
    ``kallak`` at (25 km, 25 km) inside the calving land (22..32 km square) and the sameby (20..40 km,
    20..40 km); a power line at x = 30 km crossing the migration route along y = 30 km.
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
             "style": {"color": "#d62728", "popup": ["name", "kind", "population"], "tooltip": "name",
                       "label_field": "name"}},
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
            _frame({"site_id": ["kallak"], "name": ["Kallak/Gállok"], "type": ["mine"], "jobs": [250]},
                   [Point(25_000, 25_000)]),
        ),
        "investment_areas": (
            {"title": "Investeringsområden", "theme": "investment_sites", "geometry_type": "Polygon",
             "style": {"color": "#e377c2", "popup": ["name", "type"]}},
            _frame({"site_id": ["kallak"], "name": ["Kallak/Gállok"], "type": ["mine"], "status": ["concession"],
                    "jobs": [250], "source": ["toy"]}, [box(24_000, 24_000, 26_000, 26_000)]),
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
    }


TOY_RECIPES: dict[str, dict[str, Any]] = {
    "overview": {
        "title": "Översikt", "title_en": "Overview", "description": "Alla teman",
        "layers": ["boundary", "reindeer_calving_land", "investment_areas", "roads", "settlements"],
        "extent": "study_area", "extent_buffer_m": 2000, "caveats": ["Testdata"],
        "figure": {"formats": ["png"], "dpi": 60},
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
) -> Path:
    """Write a project folder at ``root`` (the toy project unless told otherwise) and return ``root``.

    ``layers`` replaces or adds layers (id -> (spec fields, frame)); ``only`` keeps just those ids;
    ``recipes``, ``scenarios`` and ``rules`` replace the toy ones (``{}`` writes none).
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
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``make_project(name="project", **build_project_options)`` -> a new project folder."""

    def make(name: str = "project", **options: Any) -> Path:
        return build_project(tmp_path / name, **options)

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


# --------------------------------------------------------------------------- markers

SLOW = {
    # node id prefix -> why it is slow (measured on 2 shared cores). The lead moves these into the test files.
    "tests/test_report.py::test_default_study_recipes": "builds the whole default report with figures (~9 s)",
    "tests/cli/test_catchments.py::test_default_study_is_plausible": "catchments of every default site (~20 s)",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the known-slow tests listed in :data:`SLOW` (their files belong to other owners)."""
    for item in items:
        if any(item.nodeid.startswith(prefix) for prefix in SLOW):
            item.add_marker(pytest.mark.slow)
