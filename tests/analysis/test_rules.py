"""Rules file: defaults, decay shapes (hand-computed) and validation errors naming file and key."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from jokkgeo.analysis.decay import band_mean_influence, decay
from jokkgeo.config.rules import DECAY_SHAPES, parse_rules
from jokkgeo.errors import CatalogueError
from jokkgeo.io.configs import default_rules_path, load_rules


def minimal(**rule_overrides):
    rule = {"id": "r1", "development": {"layer": "dev"}, "sensitive": {"theme": "reindeer_herding"},
            "zones_m": [250, 1000], "decay": "linear", "severity": "major", "reference": "ref"}
    rule.update(rule_overrides)
    return {"references": {"ref": "A. Author (2020). Journal."}, "rules": [rule]}


def test_defaults_load_and_cite_the_literature():
    rules = load_rules()
    assert default_rules_path().name == "conflicts.yaml"
    ids = {r.id for r in rules.rules}
    assert {"mine_reindeer", "wind_reindeer", "roads_reindeer_strong", "roads_reindeer_weak",
            "power_reindeer_strong", "housing_reindeer", "resort_reindeer"} <= ids
    assert rules.rule("wind_reindeer").zones_m == (3000.0, 5000.0)  # Naturvårdsverket 6799: 3–5 km
    assert rules.rule("housing_reindeer").radius_m == 10000.0  # Niebuhr et al. 2022: cabins 10 km
    assert rules.rule("resort_reindeer").radius_m == 20000.0  # resorts 20 km
    assert rules.rule("roads_reindeer_strong").zones_m == (250.0, 1000.0)  # Eftestøl et al. 2021
    assert rules.rule("roads_reindeer_weak").radius_m == 3000.0
    assert "Niebuhr" in rules.rule("housing_reindeer").citation
    assert "6799" in rules.rule("wind_reindeer").citation
    for r in rules.rules:
        assert r.citation == rules.references[r.reference]
    assert rules.crossings is not None and rules.crossings.routes.layer == "reindeer_migration_routes"
    assert {s.id for s in rules.surfaces} >= {"mine", "wind", "roads", "power", "housing"}


def test_decay_shapes_by_hand():
    r = 1000.0
    d = np.array([0.0, 250.0, 500.0, 1000.0, 1000.1])
    assert decay(d, shape="step", radius_m=r).tolist() == [1, 1, 1, 1, 0]
    np.testing.assert_allclose(decay(d, shape="linear", radius_m=r), [1, 0.75, 0.5, 0, 0])
    # exponential: exp(-ln(20) d / r) -> 0.05 at r, 1/sqrt(20) at r/2
    np.testing.assert_allclose(decay(d, shape="exponential", radius_m=r), [1, 20 ** -0.25, 20 ** -0.5, 0.05, 0])
    # gaussian: exp(-d^2/(2 sigma^2)), sigma = r / sqrt(2 ln 20) -> 0.05 at r, 20^(-1/4) at r/2
    np.testing.assert_allclose(decay(d, shape="gaussian", radius_m=r), [1, 20 ** (-1 / 16), 20 ** -0.25, 0.05, 0])


@pytest.mark.parametrize("shape", DECAY_SHAPES)
@pytest.mark.parametrize("band", [(0.0, 1000.0), (250.0, 1000.0), (0.0, 250.0)])
def test_band_mean_is_the_mean_of_the_decay(shape, band):
    a, b = band
    expected = quad(lambda x: float(decay(x, shape=shape, radius_m=1000.0)), a, b)[0] / (b - a)
    assert band_mean_influence(a, b, shape=shape, radius_m=1000.0) == pytest.approx(expected, rel=1e-9)


def test_band_mean_linear_by_hand():
    assert band_mean_influence(0, 1000, shape="linear", radius_m=1000) == pytest.approx(0.5)
    assert band_mean_influence(250, 1000, shape="linear", radius_m=1000) == pytest.approx(0.375)
    lam = math.log(20) / 1000
    assert band_mean_influence(0, 1000, shape="exponential", radius_m=1000) == pytest.approx(0.95 / (lam * 1000))


@pytest.mark.parametrize(
    "override, key, words",
    [
        ({"decay": "cubic"}, "rules[0] (r1).decay", "step"),
        ({"zones_m": [1000, 250]}, "rules[0] (r1).zones_m", "ascending"),
        ({"zones_m": [-5]}, "rules[0] (r1).zones_m", "positive"),
        ({"zones_m": "far"}, "rules[0] (r1).zones_m", "positive"),
        ({"severity": "huge"}, "rules[0] (r1).severity", "major"),
        ({"reference": "nobody"}, "rules[0] (r1).reference", "references"),
        ({"sensitive": {"theme": "reindeer"}}, "rules[0] (r1).sensitive.theme", "reindeer_herding"),
        ({"sensitive": {"layer": "a", "theme": "roads"}}, "rules[0] (r1).sensitive", "exactly one"),
        ({"development": {"layer": "dev", "wher": {}}}, "rules[0] (r1).development.wher", "unknown key"),
        ({"colour": "red"}, "rules[0].colour", "unknown key"),
        ({"id": "bad id!"}, "rules[0].id", "letters"),
    ],
)
def test_invalid_rules_name_file_and_key(tmp_path, override, key, words):
    import yaml

    path = tmp_path / "my_rules.yaml"
    path.write_text(yaml.safe_dump(minimal(**override), allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_rules(path)
    msg = str(err.value)
    assert str(path) in msg and f"'{key}'" in msg and words in msg


def test_missing_required_and_duplicate_ids():
    data = minimal()
    del data["rules"][0]["severity"]
    with pytest.raises(CatalogueError, match=r"rules\[0\]\.severity.*missing"):
        parse_rules(data, "f.yaml")
    data = minimal()
    data["rules"].append(dict(data["rules"][0]))
    with pytest.raises(CatalogueError, match="used by another rule"):
        parse_rules(data, "f.yaml")
    with pytest.raises(CatalogueError, match="references"):
        parse_rules({"rules": []}, "f.yaml")


def test_yaml_syntax_error_names_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="broken.yaml.*invalid YAML"):
        load_rules(path)
