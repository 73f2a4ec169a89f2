#!/bin/sh
# Undo install.sh (same PREFIX). The application folder itself is left alone.
set -eu
PREFIX=${PREFIX:-$HOME/.local}
rm -f "$PREFIX/bin/nnlin-gui" "$PREFIX/bin/nnlin" "$PREFIX/share/applications/nnlin-gui.desktop"
find "$PREFIX/share/icons/hicolor" -name 'nnlin-gui.*' -path '*/apps/*' -delete 2>/dev/null || true
command -v update-desktop-database >/dev/null && update-desktop-database -q "$PREFIX/share/applications" || true
echo "removed nnlin-gui from $PREFIX"
