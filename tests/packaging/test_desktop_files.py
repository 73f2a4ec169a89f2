"""Desktop integration files: the .desktop entry, the icon set, the per-user installer.

Fast (no bundle needed). ``desktop-file-validate`` (Debian/Ubuntu package
``desktop-file-utils``) runs when it is installed; without it that one check is skipped.
"""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "packaging" / "linux" / "nnlin-gui.desktop"
ICONS = ROOT / "resources" / "icons" / "app"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def read_desktop(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_desktop_entry_opens_csv_and_tsv():
    entry = read_desktop(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "nnlin-gui %F"
    assert entry["Icon"] == "nnlin-gui"
    assert entry["Terminal"] == "false"
    assert entry["MimeType"].rstrip(";").split(";") == ["text/csv", "text/tab-separated-values"]
    assert "Education" in entry["Categories"].split(";")


def validate(path: Path) -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate not installed (apt-get install desktop-file-utils)")
    proc = subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=30)
    # It prints hints even for valid files; errors make the exit status non-zero.
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "error:" not in proc.stdout, proc.stdout


def test_desktop_file_validate():
    validate(DESKTOP)


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_icon_sizes(size):
    assert png_size(ICONS / f"nnlin-gui-{size}.png") == (size, size)


def test_ico_holds_png_entries_16_to_256():
    data = (ICONS / "nnlin-gui.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, _h, _c, _r, _planes, _bpp, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        sizes.append(w or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_icns_is_well_formed():
    data = (ICONS / "nnlin-gui.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    kinds, pos = [], 8
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        assert data[pos + 8 : pos + 16] == b"\x89PNG\r\n\x1a\n"
        kinds.append(kind.decode())
        pos += length
    assert pos == len(data)
    assert {"icp4", "ic07", "ic08", "ic09", "ic10"} <= set(kinds)


def test_svg_icon_renders(qapp):
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(ICONS / "nnlin-gui.svg"))
    assert renderer.isValid()
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    assert image.pixelColor(32, 32).alpha() == 255  # the rounded square is opaque inside
    assert image.pixelColor(0, 0).alpha() == 0  # and the corners are transparent


def test_install_script_registers_menu_entry_and_icons(tmp_path):
    """install.sh in a fake bundle: links, menu entry with an absolute Exec, icons."""
    bundle = tmp_path / "nnlin-gui"
    (bundle / "share" / "applications").mkdir(parents=True)
    shutil.copy(DESKTOP, bundle / "share" / "applications")
    for size in PNG_SIZES:
        apps = bundle / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        apps.mkdir(parents=True)
        shutil.copy(ICONS / f"nnlin-gui-{size}.png", apps / "nnlin-gui.png")
    for name in ("nnlin-gui", "nnlin"):
        (bundle / name).write_text("#!/bin/sh\necho frozen\n")
        (bundle / name).chmod(0o755)
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy(ROOT / "packaging" / "linux" / script, bundle / script)
    prefix = tmp_path / "prefix"
    env = {**os.environ, "PREFIX": str(prefix)}
    proc = subprocess.run(
        ["sh", str(bundle / "install.sh")], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert (prefix / "bin" / "nnlin-gui").resolve() == (bundle / "nnlin-gui").resolve()
    installed = prefix / "share" / "applications" / "nnlin-gui.desktop"
    assert read_desktop(installed)["Exec"] == f"{prefix}/bin/nnlin-gui %F"
    assert (prefix / "share/icons/hicolor/48x48/apps/nnlin-gui.png").is_file()
    if shutil.which("desktop-file-validate"):
        validate(installed)
    proc = subprocess.run(
        ["sh", str(bundle / "uninstall.sh")], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert not installed.exists() and not (prefix / "bin" / "nnlin-gui").exists()
    assert not (prefix / "share/icons/hicolor/48x48/apps/nnlin-gui.png").exists()
