"""Read configuration files (YAML) and hand their content to :mod:`jokkgeo.config`.

This is the only place where rule files are opened; analyses receive parsed
:class:`~jokkgeo.config.rules.RuleSet` objects.
"""

from __future__ import annotations

from pathlib import Path

from jokkgeo.catalogue import load_yaml
from jokkgeo.config.rules import RuleSet, parse_rules

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def default_rules_path() -> Path:
    """Path of the packaged default rules (``jokkgeo/rules/conflicts.yaml``)."""
    return PACKAGE_DIR / "rules" / "conflicts.yaml"


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Read and validate a rules YAML file (default: the packaged defaults).

    Parameters
    ----------
    path
        A rules file; ``None`` reads the packaged defaults.

    Examples
    --------
    >>> rules = load_rules()
    >>> rules.rule("wind_reindeer").zones_m
    (3000.0, 5000.0)
    """
    p = Path(path) if path is not None else default_rules_path()
    return parse_rules(load_yaml(p), p)
