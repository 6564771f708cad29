"""The shared fixtures of tests/conftest.py do what they promise (so other tests can move onto them)."""

from __future__ import annotations

import geopandas as gpd
import pytest

from jokkgeo.io.configs import read_catalogue


def test_toy_project_loads_every_layer(toy_project, run_cli):
    catalogue = read_catalogue(toy_project / "layers", root=toy_project)
    assert set(catalogue) >= {"boundary", "roads", "settlements", "reindeer_samebyar", "power_lines"}
    checked = run_cli("layers", "check", "--catalog", toy_project / "layers")
    assert checked.exit_code == 0, checked.output
    assert (toy_project / "maps" / "overview.yaml").is_file()
    assert (toy_project / "rules.yaml").is_file()


def test_make_project_variants(make_project):
    only = make_project("small", only=["roads", "settlements"], recipes={}, scenarios={})
    assert sorted(p.stem for p in (only / "layers").glob("*.yaml")) == ["roads", "settlements"]
    assert not list((only / "maps").iterdir())
    extra = gpd.read_file(only / "data" / "toy.gpkg", layer="roads")
    assert extra.crs.to_epsg() == 3006


def test_toy_network_hand_solved_nodes(toy_network, toy_roads):
    assert len(toy_roads) == 6
    assert toy_network.crs is None or "3006" in str(toy_network.crs)


def test_run_cli_maps_exit_codes(run_cli, toy_project):
    ok = run_cli("layers", "list", "--catalog", toy_project / "layers")
    assert ok.exit_code == 0, ok.output
    assert "settlements" in ok.output
    user_error = run_cli("layers", "list", "--catalog", toy_project / "missing" / "layers")
    assert user_error.exit_code == 2
    usage = run_cli("no-such-command")
    assert usage.exit_code == 2


def test_run_cli_lets_internal_errors_raise(run_cli, monkeypatch):
    import jokkgeo.cli.init as init

    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(init, "write_project", boom)
    with pytest.raises(RuntimeError, match="a bug"):
        run_cli("init", "somewhere")
    result = run_cli("init", "somewhere", internal_ok=True)
    assert result.exit_code == 1


def test_catchments_cli_on_the_toy_project(run_cli, toy_project, tmp_path):
    out = tmp_path / "c.gpkg"
    result = run_cli("catchments", "--catalog", toy_project / "layers", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.is_file()


def test_conflicts_and_compare_on_the_toy_project(run_cli, toy_project, tmp_path):
    layers = toy_project / "layers"
    conflicts = run_cli("conflicts", "--catalog", layers, "--rules", toy_project / "rules.yaml",
                        "--out", tmp_path / "k.gpkg")
    assert conflicts.exit_code == 0, conflicts.output
    # the power line at x = 30 km crosses the migration route along y = 30 km once
    compared = run_cli("compare", "--scenario", "no_power", "--catalog", layers, "--out", tmp_path / "np.gpkg",
                       "--lang", "en", "--no-figure")
    assert compared.exit_code == 0, compared.output
    assert "0 new and 1 removed crossings." in compared.output
