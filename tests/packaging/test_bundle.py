"""The double-clickable app: build the PyInstaller bundle and run it frozen, offscreen,
with no network.

Slow: a build from a fresh clone takes about 3-5 minutes on 2 cores (clean venv, pip
install, PyInstaller, tar.gz). ``packaging/build.sh`` reuses ``dist/`` when it was built
from the same sources (a hash of nnlin_gui/, resources/, packaging/, pyproject.toml), so a
rerun costs seconds. ``NNLIN_BUNDLE_DIR=/path/to/nnlin-gui`` tests an existing bundle
without building (for example one unpacked from the release tarball).

The numbers (sizes, build time, startup) are printed in a table at the end of the module.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import re
import shutil
import struct
import subprocess
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

import nnlin_gui

# The first test builds the bundle (about 2.5-4 minutes on a fresh clone).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

ROOT = Path(__file__).resolve().parents[2]
MAX_UNPACKED_MB = 320
MAX_TARBALL_MB = 130
MAX_STARTUP_S = 2.5
BUILD_TIMEOUT_S = 900  # a fresh build takes 3-4 minutes; fail well inside the CI budget
# NIST StRD Longley certified values (intercept, GNPDEFL, GNP, UNEMP, ARMED, POP, YEAR).
LONGLEY_CERTIFIED = (
    -3482258.63459582,
    15.0618722713733,
    -0.358191792925910e-01,
    -2.02022980381683,
    -1.03322686717359,
    -0.511041056535807e-01,
    1829.15146461355,
)


@dataclass
class Bundle:
    """A built bundle folder and what is known about it."""

    path: Path
    info: dict[str, str]
    build_seconds: float | None = None
    report: dict[str, str] = field(default_factory=dict)

    @property
    def exe(self) -> Path:
        return self.path / "nnlin-gui"


@functools.cache
def _network_isolation() -> list[str]:
    """``unshare -rn`` (a private network namespace with no interfaces) when it works."""
    tool = shutil.which("unshare")
    if tool and subprocess.run([tool, "-rn", "true"], capture_output=True).returncode == 0:
        return [tool, "-rn"]
    return []


def frozen_env(home: Path) -> dict[str, str]:
    """Offscreen, no display, no proxies, a throw-away HOME."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY") and "proxy" not in k.lower()
    }
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_RUNTIME_DIR=str(home),
    )
    return env


def run_frozen(
    bundle: Bundle, args: list[str], home: Path, exe: str = "nnlin-gui", timeout: float = 180
) -> subprocess.CompletedProcess:
    home.mkdir(parents=True, exist_ok=True)
    cmd = [*_network_isolation(), str(bundle.path / exe), *args]
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, env=frozen_env(home), cwd=home
    )


def _read_info(path: Path) -> dict[str, str]:
    info = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        info[key] = value
    return info


@pytest.fixture(scope="module")
def bundle(bundle_report) -> Bundle:
    """The bundle: built (or reused) by packaging/build.sh, or NNLIN_BUNDLE_DIR."""
    given = os.environ.get("NNLIN_BUNDLE_DIR")
    if given:
        path = Path(given).resolve()
        info = _read_info(path / "BUILD-INFO") if (path / "BUILD-INFO").exists() else {}
        result = Bundle(path, info)
    else:
        t0 = time.perf_counter()
        proc = subprocess.run(
            ["bash", str(ROOT / "packaging" / "build.sh")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
        )
        log = proc.stdout + proc.stderr
        if proc.returncode != 0:
            pytest.fail(f"packaging/build.sh failed ({proc.returncode}):\n{log[-6000:]}")
        path = ROOT / "dist" / "nnlin-gui"
        result = Bundle(path, _read_info(path / "BUILD-INFO"), time.perf_counter() - t0)
        reused = "up to date" in proc.stdout
        result.report["build"] = (
            f"{result.build_seconds:.0f} s ({'reused, same sources' if reused else 'fresh build'})"
        )
    assert result.exe.is_file(), f"no executable at {result.exe}"
    result.report["network"] = (
        "isolated (unshare -rn)" if _network_isolation() else "NOT isolated (no unshare)"
    )
    yield result
    # tests/packaging/conftest.py prints it in the terminal summary.
    bundle_report.update({"bundle": str(result.path), **result.report})


def test_sizes_within_limits(bundle):
    unpacked = sum(
        p.lstat().st_size for p in bundle.path.rglob("*") if p.is_file() or p.is_symlink()
    )
    bundle.report["unpacked"] = f"{unpacked / 1e6:.1f} MB (limit {MAX_UNPACKED_MB})"
    assert unpacked <= MAX_UNPACKED_MB * 1e6
    if "tarball" not in bundle.info:
        pytest.skip("no tarball recorded in BUILD-INFO (bundle given by NNLIN_BUNDLE_DIR)")
    tarball = bundle.path.parent / bundle.info["tarball"]
    assert tarball.name == f"nnlin-gui-{nnlin_gui.__version__}-linux-x86_64.tar.gz"
    size = tarball.stat().st_size
    bundle.report["tar.gz"] = f"{size / 1e6:.1f} MB (limit {MAX_TARBALL_MB})"
    assert tarball.read_bytes()[:2] == b"\x1f\x8b"
    assert size <= MAX_TARBALL_MB * 1e6


def test_slimmed(bundle):
    """No test suites, translations, unused Qt plugins; QtOpenGL stays (pyqtgraph)."""
    internal = bundle.path / "_internal"
    qt = internal / "PySide6" / "Qt"
    assert not (qt / "translations").exists()
    assert not (qt / "plugins" / "platformthemes" / "libqgtk3.so").exists()
    assert (qt / "plugins" / "platforms" / "libqxcb.so").exists()
    assert (qt / "plugins" / "platforms" / "libqoffscreen.so").exists()
    assert list(qt.glob("lib/libQt6OpenGLWidgets.so*"))
    test_dirs = [
        str(p.relative_to(internal))
        for pkg in ("numpy", "scipy", "pandas", "statsmodels")
        for p in (internal / pkg).rglob("tests")
        if p.is_dir()
    ]
    assert test_dirs == []


def test_glibc_requirement_reported(bundle):
    """The newest GLIBC_x.y symbol version any bundled library needs (printed)."""
    objdump = shutil.which("objdump")
    if objdump is None:
        pytest.skip("objdump not installed (binutils)")
    newest = (0, 0)
    for lib in [bundle.exe, *bundle.path.rglob("*.so*")]:
        if lib.is_file() and not lib.is_symlink():
            out = subprocess.run([objdump, "-T", str(lib)], capture_output=True, text=True).stdout
            for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", out):
                newest = max(newest, (int(major), int(minor)))
    bundle.report["needs glibc"] = f">= {newest[0]}.{newest[1]}"
    assert newest >= (2, 17)  # found symbols at all


def test_version(bundle, tmp_path):
    proc = run_frozen(bundle, ["--version"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"nnlin-gui {nnlin_gui.__version__}"
    cli = run_frozen(bundle, ["--version"], tmp_path, exe="nnlin")
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.strip() == f"nnlin {nnlin_gui.__version__}"


def test_bundle_check(bundle, tmp_path):
    """Resources, lessons, statsmodels data, Qt, no test tools (packaging/bundle_check.py)."""
    proc = run_frozen(bundle, ["--bundle-check"], tmp_path)
    report = json.loads(proc.stdout)
    failed = {k: v["error"] for k, v in report["checks"].items() if not v["ok"]}
    assert proc.returncode == 0 and failed == {}, failed
    assert report["frozen"] is True
    assert report["checks"]["qt"]["platform"] == "offscreen"
    assert "svg" in report["checks"]["qt"]["image_formats"]
    assert report["checks"]["lessons"]["count"] >= 1
    bundle.report["lessons bundled"] = str(report["checks"]["lessons"]["count"])


def _self_test(bundle, args, home) -> dict:
    t0 = time.perf_counter()
    proc = run_frozen(bundle, ["--self-test", *args], home)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, (
        f"exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    result = json.loads(proc.stdout)
    result["wall_seconds"] = seconds
    return result


def test_self_test_builtin(bundle, tmp_path):
    result = _self_test(bundle, [], tmp_path)
    assert result["ok"] is True
    assert result["errors_shown"] == []
    assert result["max_abs_diff_trained"] < 1e-3
    assert result["max_abs_diff_solved"] < 1e-8
    bundle.report["--self-test"] = f"exit 0, {result['wall_seconds']:.1f} s ({result['source']})"


def test_self_test_on_a_csv(bundle, tmp_path):
    """A CSV opened by the frozen app: the collapsed net equals OLS on known data."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(120, 2))
    y = 0.5 + 2.0 * x[:, 0] - 3.0 * x[:, 1] + 0.01 * rng.normal(size=120)
    path = tmp_path / "plane.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["a", "b", "y"])
        writer.writerows(np.column_stack([x, y]).round(9).tolist())
    result = _self_test(bundle, [str(path)], tmp_path / "home")
    assert result["ok"] is True
    assert result["features"] == ["a", "b"] and result["target"] == "y"
    np.testing.assert_allclose(result["baseline_W"], [2.0, -3.0], atol=0.01)
    np.testing.assert_allclose(result["network_W"], result["baseline_W"], rtol=1e-3)


def test_cli_ols_longley_matches_nist(bundle, tmp_path):
    """The bundled CLI (the nnlin link) with statsmodels' bundled Longley data, offline."""
    proc = run_frozen(
        bundle, ["ols", "builtin:longley", "--target", "TOTEMP", "--json", "-"], tmp_path,
        exe="nnlin",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    params = list(json.loads(proc.stdout)["ols"]["params"].values())
    np.testing.assert_allclose(params, LONGLEY_CERTIFIED, rtol=1e-8)


def test_startup_probe(bundle, tmp_path):
    """Seconds to the first painted window, best of 3 (printed; warns above 2.5 s)."""
    times = []
    for i in range(3):
        proc = run_frozen(bundle, ["--startup-probe"], tmp_path / f"run{i}")
        assert proc.returncode == 0, proc.stderr
        times.append(float(proc.stdout.strip().splitlines()[-1]))
    best = min(times)
    bundle.report["--startup-probe"] = (
        f"best {best:.2f} s of {', '.join(f'{t:.2f}' for t in times)} (limit {MAX_STARTUP_S})"
    )
    assert 0 < best < 60
    if best > MAX_STARTUP_S:  # timing depends on the machine: reported, not asserted
        warnings.warn(
            f"frozen --startup-probe {best:.2f} s > {MAX_STARTUP_S} s", UserWarning, stacklevel=1
        )


def test_screenshot(bundle, tmp_path):
    """The frozen window paints (fonts, icons, plots) into a PNG of the window's size."""
    shot = tmp_path / "frozen.png"
    proc = run_frozen(bundle, ["--screenshot", str(shot)], tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert width >= 800 and height >= 500
    assert shot.stat().st_size > 50_000  # a blank window compresses to a few kB
    bundle.report["--screenshot"] = f"{width}x{height}, {shot.stat().st_size // 1000} kB"


def test_real_x_server(bundle, tmp_path):
    """Under Xvfb the frozen app uses the xcb plugin and paints a window."""
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        pytest.skip("xvfb-run not installed (apt-get install xvfb)")
    env = frozen_env(tmp_path)
    del env["QT_QPA_PLATFORM"]
    cmd = [xvfb_run, "-a", str(bundle.exe)]
    check = subprocess.run(cmd + ["--bundle-check"], capture_output=True, text=True, env=env,
                           timeout=120)  # fmt: skip
    assert json.loads(check.stdout)["checks"]["qt"]["platform"] == "xcb", check.stderr
    probe = subprocess.run(cmd + ["--startup-probe"], capture_output=True, text=True, env=env,
                           timeout=120)  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    bundle.report["under Xvfb (xcb)"] = f"first paint {float(probe.stdout.split()[-1]):.2f} s"


def test_desktop_integration_in_bundle(bundle):
    share = bundle.path / "share"
    assert (share / "applications" / "nnlin-gui.desktop").is_file()
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert (share / f"icons/hicolor/{size}x{size}/apps/nnlin-gui.png").is_file()
    assert (share / "icons/hicolor/scalable/apps/nnlin-gui.svg").is_file()
    assert os.access(bundle.path / "install.sh", os.X_OK)
    assert (bundle.path / "nnlin").resolve() == bundle.exe.resolve()
