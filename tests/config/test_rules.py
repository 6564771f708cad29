"""Rule schema messages use the shared format."""

from __future__ import annotations

import pytest

from jokkgeo.config.rules import parse_rules
from jokkgeo.errors import CatalogueError

RULE = {"id": "a", "development": {"theme": "roads"}, "sensitive": {"layer": "x"}, "zones_m": [100, 500],
        "decay": "linear", "severity": "major", "reference": "r"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"zones_m": [500, 100]}, r"key 'rules\[0\] \(a\).zones_m': distances \[500, 100\] are not strictly ascending"),
        ({"zones_m": [0]}, r"key 'rules\[0\] \(a\).zones_m': must be positive, got 0"),
        ({"decay": "cubic"}, r"key 'rules\[0\] \(a\).decay': 'cubic' is not a decay shape; use one of: step"),
        ({"reference": "q"}, r"key 'rules\[0\] \(a\).reference': 'q' is not a key of 'references'; use one of: r"),
        ({"development": {"theme": "roads", "layer": "y"}},
         r"key 'rules\[0\] \(a\).development': needs exactly one of 'layer' and"),
    ],
)
def test_messages(changes, message):
    with pytest.raises(CatalogueError, match="^r.yaml: " + message):
        parse_rules({"references": {"r": "Ref"}, "rules": [{**RULE, **changes}]}, "r.yaml")
