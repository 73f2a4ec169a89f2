#!/usr/bin/env bash
# Build the Linux bundle: dist/nnlin-gui/ (run dist/nnlin-gui/nnlin-gui) and
# dist/nnlin-gui-VERSION-linux-x86_64.tar.gz.
#
#   packaging/build.sh           build, or reuse dist/ if it was built from the same sources
#   packaging/build.sh --force   always rebuild
#
# Works from a fresh clone: it creates a clean virtual environment (build/venv-pack; a
# venv with pytest and friends drags ~500 extra modules into the bundle), installs the
# project non-editable plus PyInstaller, and runs packaging/nnlin-gui.spec.
# Caches: the venv is reused while pyproject.toml and the PyInstaller pin are unchanged;
# PyInstaller's work folder (build/pyinstaller) is kept between runs.
# Environment: PYTHON (default python3), NNLIN_PACK_VENV (default build/venv-pack).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-python3}
VENV=${NNLIN_PACK_VENV:-build/venv-pack}
PYINSTALLER_REQ="pyinstaller==6.22.*"
DIST=dist
BUNDLE=$DIST/nnlin-gui
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

t_start=$(date +%s)
step() { echo "== [$(($(date +%s) - t_start))s] $*"; }

# Fingerprint of everything that ends up in the bundle: reuse dist/ when it matches.
source_hash() {
    {
        git ls-files -co --exclude-standard -- nnlin_gui resources packaging pyproject.toml \
            2>/dev/null || find nnlin_gui resources packaging pyproject.toml -type f
    } | grep -v -e '__pycache__' -e '\.pyc$' | LC_ALL=C sort | while read -r f; do
        [ -f "$f" ] && printf '%s  %s\n' "$(sha256sum < "$f" | cut -c1-64)" "$f"
    done | sha256sum | cut -c1-64
}
# One build at a time in this checkout (two test sessions would share dist/ and build/).
mkdir -p build
exec 9> build/.pack.lock
if command -v flock >/dev/null; then flock 9; fi
HASH=$(source_hash)
if [ "$FORCE" = 0 ] && [ -x "$BUNDLE/nnlin-gui" ] && [ -f "$BUNDLE/BUILD-INFO" ] \
    && grep -qx "source_sha256=$HASH" "$BUNDLE/BUILD-INFO" \
    && ls "$DIST"/nnlin-gui-*-linux-x86_64.tar.gz >/dev/null 2>&1; then
    step "bundle is up to date with the sources (source_sha256=${HASH:0:12}); --force rebuilds"
    cat "$BUNDLE/BUILD-INFO"
    exit 0
fi

# 1. Clean venv, reinstalled only when the dependency list or PyInstaller pin changes.
want=$( (cat pyproject.toml; echo "$PYINSTALLER_REQ"; "$PY" --version) | sha256sum | cut -c1-64)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.pack-stamp" 2>/dev/null)" != "$want" ]; then
    step "creating clean venv $VENV"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check . "$PYINSTALLER_REQ" \
        2> >(grep -v "is ignored: it is neither" >&2)
    echo "$want" > "$VENV/.pack-stamp"
else
    step "reusing venv $VENV"
fi
# Always reinstall our own package (non-editable, no deps): the bundle gets this checkout.
step "installing nnlin_gui from $ROOT"
rm -rf build/lib build/bdist.* # setuptools' staging: stale files there would ride along
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    --force-reinstall . 2> >(grep -v "is ignored: it is neither" >&2)
VERSION=$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('nnlin_gui'))")

# 2. PyInstaller.
step "pyinstaller (nnlin_gui $VERSION)"
rm -rf "$BUNDLE"
"$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath build/pyinstaller packaging/nnlin-gui.spec

# 3. The command line (same executable, dispatches on its name) and desktop integration.
step "adding nnlin link and desktop integration"
ln -sf nnlin-gui "$BUNDLE/nnlin"
mkdir -p "$BUNDLE/share/applications"
cp packaging/linux/nnlin-gui.desktop "$BUNDLE/share/applications/"
for png in resources/icons/app/nnlin-gui-*.png; do
    size=${png##*-}
    size=${size%.png}
    mkdir -p "$BUNDLE/share/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$BUNDLE/share/icons/hicolor/${size}x${size}/apps/nnlin-gui.png"
done
mkdir -p "$BUNDLE/share/icons/hicolor/scalable/apps"
cp resources/icons/app/nnlin-gui.svg "$BUNDLE/share/icons/hicolor/scalable/apps/"
cp packaging/linux/install.sh packaging/linux/uninstall.sh "$BUNDLE/"
chmod +x "$BUNDLE/install.sh" "$BUNDLE/uninstall.sh"
cp packaging/linux/README-bundle.txt "$BUNDLE/README.txt"

# 4. Archive (pigz if present: 2 cores halve the gzip time).
TARBALL="$DIST/nnlin-gui-$VERSION-linux-x86_64.tar.gz"
step "archiving $TARBALL"
rm -f "$DIST"/nnlin-gui-*-linux-x86_64.tar.gz
if command -v pigz >/dev/null; then
    tar -C "$DIST" -cf - nnlin-gui | pigz -6 > "$TARBALL"
else
    tar -C "$DIST" -czf "$TARBALL" nnlin-gui
fi

# Bytes of files and links (what tests/packaging/test_bundle.py counts too).
unpacked=$(find "$BUNDLE" \( -type f -o -type l \) -printf '%s\n' | awk '{s += $1} END {print s}')
packed=$(stat -c %s "$TARBALL")
cat > "$BUNDLE/BUILD-INFO" <<EOF
version=$VERSION
source_sha256=$HASH
git_commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
tools=$("$VENV/bin/python" -c "import importlib.metadata as m, platform; print(' '.join(f'{p}=={m.version(p)}' for p in ('pyinstaller', 'pyinstaller-hooks-contrib', 'PySide6-Essentials', 'numpy', 'scipy', 'statsmodels')), 'python=='+platform.python_version())")
unpacked_bytes=$unpacked
tarball=$(basename "$TARBALL")
tarball_bytes=$packed
build_seconds=$(($(date +%s) - t_start))
EOF
step "done"
awk -v u="$unpacked" -v p="$packed" -v b="$BUNDLE" -v t="$TARBALL" 'BEGIN {
    printf "unpacked  %-45s %7.1f MB (limit 320)\n", b, u / 1e6
    printf "tar.gz    %-45s %7.1f MB (limit 130)\n", t, p / 1e6
}'
