"""Scenarios: a named future = the baseline study plus changes (old import path of the schema).

The schema (``scenarios/*.yaml``: :class:`Scenario`, :func:`merge_scenarios`,
:func:`validate_scenario`) lives in :mod:`jokkgeo.config.scenarios` and is re-exported
here; reading files is :func:`jokkgeo.io.configs.read_scenarios`; every key is described in
``docs/config.md``. ``parse_scenario`` here is
:func:`jokkgeo.io.configs.scenario_from_data` (it takes the project ``root``).

Examples
--------
>>> from pathlib import Path
>>> s = parse_scenario({"name": "w", "title": "Vinter", "season": "winter"}, None, root=Path("."))
>>> s.season, s.is_baseline
('winter', False)

Applying a scenario to loaded layers (``Study``, ``apply_scenario``, ``prepare_studies``)
is :mod:`jokkgeo.study.scenario`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from jokkgeo.config.layers import LayerSpec
from jokkgeo.config.scenarios import (  # noqa: F401  (re-exported: the schema moved to jokkgeo.config)
    BASELINE,
    BASELINE_SCENARIO,
    PARAMETER_KEYS,
    PARAMETER_SECTIONS,
    SEASONS,
    AddedLayer,
    LayerFilter,
    RoadChange,
    Scenario,
    Selector,
    merge_scenarios,
    select_mask,
    validate_scenario,
)
from jokkgeo.config.scenarios import ScenarioSet as _ScenarioSet
from jokkgeo.errors import CatalogueError, DataLayerError
from jokkgeo.io.configs import read_scenario, read_scenarios
from jokkgeo.io.configs import scenario_from_data as parse_scenario  # noqa: F401  (old name, takes root=)

logger = logging.getLogger(__name__)



def _origin(path: Path | str | None) -> str:
    return str(path) if path is not None else "<scenario>"


class ScenarioSet(_ScenarioSet):
    """Scenarios by name (``baseline`` always present), with ``extends`` resolved on lookup.

    The schema part lives in :class:`jokkgeo.config.scenarios.ScenarioSet`; this subclass
    adds :meth:`from_dir`, which reads files through :func:`jokkgeo.io.configs.read_scenarios`.
    """

    @classmethod
    def from_dir(
        cls,
        directory: str | Path,
        *,
        root: str | Path | None = None,
        catalogue: Mapping[str, LayerSpec] | None = None,
        allow_outside: bool = False,
        check_exists: bool = True,
    ) -> "ScenarioSet":
        """Load ``directory/*.yaml``; a missing folder gives only ``baseline``.

        Parameters
        ----------
        directory
            The scenario folder.
        root
            The project folder (default: the folder's parent).
        catalogue
            With it, every scenario is validated against it (:func:`validate_scenario`).
        allow_outside, check_exists
            As for :func:`jokkgeo.io.configs.read_scenarios`.
        """
        read = read_scenarios(directory, root=root, catalogue=catalogue,  # type: ignore[arg-type]
                              allow_outside=allow_outside, check_exists=check_exists)
        return cls({n: read.raw(n) for n in read if n != BASELINE}, read.directory)
