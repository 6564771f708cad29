"""Read configuration files (YAML) and hand their content to :mod:`jokkgeo.config`.

The only place where config files are opened and paths written in them are
resolved (through the one path guard, :func:`jokkgeo.io.paths.resolve_path`).
The parsers in :mod:`jokkgeo.config` read no file.

Examples
--------
>>> rules = load_rules()
>>> rules.rule("wind_reindeer").zones_m
(3000.0, 5000.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jokkgeo.config import _validate as v
from jokkgeo.config.layers import Catalogue, LayerSpec, Resolver, parse_layer_spec
from jokkgeo.config.recipes import Recipe, check_unique_ids, parse_recipe
from jokkgeo.config.rules import RuleSet, parse_rules
from jokkgeo.config.scenarios import BASELINE, Scenario, ScenarioSet, SpecReader, parse_scenario, validate_scenario
from jokkgeo.config.seasons import SeasonSpec, parse_seasons
from jokkgeo.errors import DataSourceError
from jokkgeo.io.paths import YAML_SUFFIXES, resolve_path
from jokkgeo.io.yamlfile import read_yaml
from jokkgeo.settings import PACKAGE_DIR, Settings


def default_rules_path() -> Path:
    """Path of the packaged default rules (``jokkgeo/rules/conflicts.yaml``)."""
    return PACKAGE_DIR / "rules" / "conflicts.yaml"


def default_seasons_path() -> Path:
    """Path of the packaged season profiles (``jokkgeo/network/seasons.yaml``)."""
    return PACKAGE_DIR / "network" / "seasons.yaml"


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Read and validate a rules YAML file (default: the packaged defaults).

    Parameters
    ----------
    path
        A rules file; ``None`` reads the packaged defaults.
    """
    p = Path(path) if path is not None else default_rules_path()
    return parse_rules(read_yaml(p), p)


read_rules = load_rules


def read_seasons(path: str | Path | None = None) -> dict[str, SeasonSpec]:
    """Read and validate a seasons file (default: the packaged profiles).

    Parameters
    ----------
    path
        A seasons YAML file; ``None`` reads ``jokkgeo/network/seasons.yaml``.

    Examples
    --------
    >>> sorted(read_seasons())
    ['signed_limits', 'summer', 'winter', 'winter_open_tracks', 'winter_signed_limits']
    """
    from jokkgeo.network.speeds import ROAD_CLASSES, SPEED_MODELS

    p = Path(path) if path is not None else default_seasons_path()
    return parse_seasons(read_yaml(p), p, road_classes=ROAD_CLASSES, speed_models=tuple(SPEED_MODELS))


def _yaml_files(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def source_resolver(
    spec_path: str | Path, *, root: str | Path, allow_outside: bool = False, check_exists: bool = True
) -> Resolver:
    """The ``resolve`` callable the config parsers use for data paths of one file.

    Parameters
    ----------
    spec_path
        The config file (named in messages).
    root
        The project folder relative paths resolve against.
    allow_outside
        Accept paths outside ``root``.
    check_exists
        Refuse paths to files that do not exist.
    """

    def resolve(raw: str, key: str) -> Path:
        return resolve_path(raw, root=root, origin=f"{spec_path}: key '{key}'", allow_outside=allow_outside,
                            must_exist=check_exists)

    return resolve


def layer_spec_from_data(
    data: Any,
    spec_path: str | Path,
    *,
    root: str | Path,
    allow_outside: bool = False,
    check_exists: bool = True,
) -> LayerSpec:
    """Validate a parsed layer document, resolving its source path under ``root``.

    Parameters
    ----------
    data
        The YAML document.
    spec_path
        The file it came from.
    root
        The project folder.
    allow_outside, check_exists
        As for :func:`source_resolver`.
    """
    resolve = source_resolver(spec_path, root=root, allow_outside=allow_outside, check_exists=check_exists)
    return parse_layer_spec(data, spec_path, resolve=resolve)


def read_layer_spec(
    path: str | Path, *, root: str | Path, allow_outside: bool = False, check_exists: bool = True
) -> LayerSpec:
    """Read and validate one layer spec file.

    Parameters
    ----------
    path
        The layer YAML file.
    root
        The project folder.
    allow_outside, check_exists
        As for :func:`source_resolver`.
    """
    path = Path(path)
    return layer_spec_from_data(read_yaml(path), path, root=root, allow_outside=allow_outside,
                                check_exists=check_exists)


def read_catalogue(
    directory: str | Path | None = None,
    settings: Settings | None = None,
    *,
    root: str | Path | None = None,
    allow_outside: bool | None = None,
    check_exists: bool = True,
) -> Catalogue:
    """Read every ``*.yaml``/``*.yml`` layer spec of a folder into a :class:`Catalogue`.

    Parameters
    ----------
    directory
        The catalogue folder (default: ``settings.catalog_dir``).
    settings
        Project settings (project root, ``allow_outside``).
    root
        Project folder relative source paths resolve against (default: ``settings.project_root``
        when ``settings`` is given, else the folder's parent).
    allow_outside
        Accept source paths outside the project (default: ``settings.allow_outside``).
    check_exists
        Refuse specs whose data file does not exist.
    """
    if directory is None:
        directory = (settings or Settings()).catalog_dir
    directory = Path(directory)
    if not directory.is_dir():
        raise DataSourceError(f"{directory}: catalogue folder does not exist; pass --catalog DIR with layers/*.yaml")
    if root is None:
        root = settings.project_root if settings is not None else directory.resolve().parent
    if allow_outside is None:
        allow_outside = settings.allow_outside if settings is not None else False
    files = _yaml_files(directory)
    if not files:
        raise DataSourceError(f"{directory}: no *.yaml layer specs found")
    specs: dict[str, LayerSpec] = {}
    for file in files:
        spec = read_layer_spec(file, root=root, allow_outside=allow_outside, check_exists=check_exists)
        if spec.id in specs:
            raise v.fail(file, "id", f"'{spec.id}' is already used by {specs[spec.id].spec_path}",
                         "give each layer its own id")
        specs[spec.id] = spec
    return Catalogue(specs, directory, Path(root))


def read_recipe(
    path: str | Path, *, layer_ids: Iterable[str] | None = None, known_types: Iterable[str] | None = None,
    analysis_types: Iterable[str] | None = None,
) -> Recipe:
    """Read and validate one map recipe file.

    Parameters
    ----------
    path
        The recipe YAML file.
    layer_ids
        Catalogue layer ids the recipe may use (unchecked when ``None``).
    known_types
        Allowed analysis types (unchecked when ``None``).
    analysis_types
        Old name of ``known_types``.
    """
    path = Path(path)
    return parse_recipe(read_yaml(path), path, layer_ids=layer_ids,
                        known_types=known_types if known_types is not None else analysis_types)


def read_recipes(
    path: str | Path, *, layer_ids: Iterable[str] | None = None, known_types: Iterable[str] | None = None,
    analysis_types: Iterable[str] | None = None,
) -> list[Recipe]:
    """All recipes of a folder (sorted by file name, ids unique), or the one recipe of a file.

    Parameters
    ----------
    path
        A folder of ``*.yaml`` recipes or one recipe file.
    layer_ids, known_types, analysis_types
        As for :func:`read_recipe`.
    """
    path = Path(path)
    kwargs: dict[str, Any] = {"layer_ids": layer_ids,
                              "known_types": known_types if known_types is not None else analysis_types}
    if path.is_file():
        return [read_recipe(path, **kwargs)]
    if not path.is_dir():
        raise DataSourceError(f"{path}: recipe folder does not exist; pass --recipes DIR with maps/*.yaml")
    files = _yaml_files(path)
    if not files:
        raise DataSourceError(f"{path}: no *.yaml map recipes found")
    return check_unique_ids(read_recipe(file, **kwargs) for file in files)


def _spec_reader(spec_path: str | Path | None, *, root: Path, allow_outside: bool, check_exists: bool) -> SpecReader:
    origin = v.origin_text(spec_path if spec_path is not None else "<scenario>")

    def read_spec(raw: str, key: str) -> LayerSpec:
        file = resolve_path(raw, root=root, origin=f"{origin}: key '{key}'", allow_outside=allow_outside,
                            suffixes=YAML_SUFFIXES, must_exist=True)
        return read_layer_spec(file, root=root, allow_outside=allow_outside, check_exists=check_exists)

    return read_spec


def scenario_from_data(
    data: Any,
    spec_path: str | Path | None,
    *,
    root: str | Path,
    name: str | None = None,
    allow_outside: bool = False,
    check_exists: bool = True,
) -> Scenario:
    """Validate a parsed scenario, resolving and reading the files it names under ``root``.

    Parameters
    ----------
    data
        The YAML mapping.
    spec_path
        The file it came from (``None``: inline, e.g. in a recipe).
    root
        The project folder.
    name
        Expected name (the file stem).
    allow_outside, check_exists
        As for :func:`source_resolver`.
    """
    from jokkgeo.network.profiles import available_profiles

    root = Path(root)
    origin = spec_path if spec_path is not None else "<scenario>"
    return parse_scenario(
        data,
        spec_path,
        name=name,
        resolve=source_resolver(origin, root=root, allow_outside=allow_outside, check_exists=check_exists),
        read_spec=_spec_reader(spec_path, root=root, allow_outside=allow_outside, check_exists=check_exists),
        seasons=available_profiles(),
    )


def read_scenario(
    path: str | Path, *, root: str | Path, allow_outside: bool = False, check_exists: bool = True
) -> Scenario:
    """Read and validate one scenario file (its name is the file stem).

    Parameters
    ----------
    path
        The scenario YAML file.
    root
        The project folder.
    allow_outside, check_exists
        As for :func:`source_resolver`.
    """
    path = Path(path)
    return scenario_from_data(read_yaml(path), path, root=root, name=path.stem, allow_outside=allow_outside,
                              check_exists=check_exists)


def read_scenarios(
    directory: str | Path,
    *,
    root: str | Path | None = None,
    catalogue: Mapping[str, LayerSpec] | None = None,
    allow_outside: bool = False,
    check_exists: bool = True,
) -> ScenarioSet:
    """Read ``directory/*.yaml`` into a :class:`~jokkgeo.config.scenarios.ScenarioSet`.

    A missing folder gives only ``baseline``. With ``catalogue`` every scenario
    (``extends`` resolved) is checked against it (:func:`validate_scenario`).

    Parameters
    ----------
    directory
        The scenario folder.
    root
        The project folder (default: the folder's parent).
    catalogue
        Layer specs to check the scenarios against.
    allow_outside, check_exists
        As for :func:`source_resolver`.
    """
    directory = Path(directory)
    root_path = Path(root) if root is not None else directory.resolve().parent
    scenarios: dict[str, Scenario] = {}
    if directory.is_dir():
        for file in _yaml_files(directory):
            if file.stem == BASELINE:
                raise v.fail(file, "name", f"'{BASELINE}' is built in (no changes)", "rename the file")
            scen = read_scenario(file, root=root_path, allow_outside=allow_outside, check_exists=check_exists)
            scenarios[scen.name] = scen
    out = ScenarioSet(scenarios, directory)
    for name in scenarios:
        resolved = out[name]
        if catalogue is not None:
            validate_scenario(resolved, catalogue)
    return out
