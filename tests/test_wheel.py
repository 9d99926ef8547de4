"""The wheel installs: built from this checkout, installed into a fresh virtualenv outside it, it
validates and evaluates the bundled jurisdictions from a folder that holds no rule files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import mccredit
from mccredit.rules import ruleset_sha256

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(venv bin dir, a working folder outside the checkout, env) with the wheel installed."""
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling (dev extra)")
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation"]
        + ["-q", "-w", str(dist)],
        cwd=tmp,
        env=dict(os.environ),
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("mccredit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "mccredit/_bundled/jurisdictions/us-tn/jurisdiction.yaml" in names or any(
        n.startswith("mccredit/_bundled/jurisdictions/us-tn/") for n in names
    )
    assert any(n.startswith("mccredit/_bundled/rules/catalogs/") for n in names)

    venv = tmp / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp, env=dict(os.environ))
    assert made.returncode == 0, made.stderr
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    # The dependencies come from the running environment (no network): a .pth naming its
    # site-packages. A .pth line only adds the folder, so this checkout's editable hook stays off.
    site = _run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=tmp,
        env=dict(os.environ),
    ).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "zz_mccredit_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    inst = _run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        cwd=tmp,
        env=dict(os.environ),
    )
    assert inst.returncode == 0, inst.stderr
    work = tmp / "elsewhere"
    work.mkdir()
    shutil.copy(REPO / "examples" / "tn-renewal.json", work / "tn-renewal.json")
    env = {k: v for k, v in os.environ.items() if k not in {"MCCREDIT_RULES", "PYTHONPATH"}}
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    return bindir, work, env


def test_the_installed_package_is_the_wheel_not_the_checkout(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    bindir, work, env = installed
    code = "import mccredit, mccredit.rules as r; print(mccredit.__file__); print(r.default_root())"
    got = _run([str(bindir / "python"), "-c", code], cwd=work, env=env)
    assert got.returncode == 0, got.stderr
    file, root = got.stdout.split()
    assert not Path(file).resolve().is_relative_to(REPO)
    assert Path(root).name == "_bundled" and not Path(root).resolve().is_relative_to(REPO)


def test_installed_wheel_validates_the_bundled_jurisdictions(
    installed: tuple[Path, Path, dict[str, str]], rules: mccredit.RuleSet
) -> None:
    bindir, work, env = installed
    got = _run([str(bindir / "mccredit"), "validate"], cwd=work, env=env)
    assert got.returncode == 0, got.stdout + got.stderr
    assert f"OK: {len(rules.ids)} jurisdiction(s) valid." in got.stdout


def test_installed_wheel_evaluates_with_the_same_rules(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    bindir, work, env = installed
    cmd = [str(bindir / "mccredit"), "evaluate", "tn-renewal.json", "--jurisdiction", "us-tn"]
    got = _run([*cmd, "--json", "--as-of", "2026-06-30"], cwd=work, env=env)
    assert got.returncode == 0, got.stdout + got.stderr
    doc = json.loads(got.stdout)
    here = mccredit.evaluate(
        REPO / "examples" / "tn-renewal.json", jurisdiction="us-tn", as_of="2026-06-30"
    )
    assert doc["jurisdiction"] == "us-tn"
    assert doc["ruleset"] == here["ruleset"]  # same files, same sha256
    assert doc["totals"] == here["totals"] and doc["totals"]


def test_version_prints_the_bundled_ruleset_sha256(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    bindir, work, env = installed
    got = _run([str(bindir / "mccredit"), "--version"], cwd=work, env=env)
    assert got.returncode == 0, got.stderr
    assert f"mccredit {mccredit.__version__}" in got.stdout
    assert ruleset_sha256(REPO) in got.stdout
