#!/bin/sh
# Install this nnlin-gui folder for the current user (no root needed):
#   ~/.local/bin/nnlin-gui and ~/.local/bin/nnlin   -> links to the executables here
#   ~/.local/share/applications/nnlin-gui.desktop   -> menu entry, "Open with" for CSV/TSV
#   ~/.local/share/icons/hicolor/*/apps/nnlin-gui.* -> icons
# The folder stays where it is: move it first (e.g. to ~/.local/opt/nnlin-gui) if you like.
# Set PREFIX to install elsewhere (e.g. PREFIX=/usr/local as root).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-$HOME/.local}
mkdir -p "$PREFIX/bin" "$PREFIX/share/applications"
ln -sf "$HERE/nnlin-gui" "$PREFIX/bin/nnlin-gui"
ln -sf "$HERE/nnlin" "$PREFIX/bin/nnlin"
cp -R "$HERE/share/icons" "$PREFIX/share/"
# Absolute Exec path: ~/.local/bin is not on every desktop session's PATH.
sed -e "s|^Exec=nnlin-gui|Exec=$PREFIX/bin/nnlin-gui|" \
    -e "s|^TryExec=nnlin-gui|TryExec=$PREFIX/bin/nnlin-gui|" \
    "$HERE/share/applications/nnlin-gui.desktop" > "$PREFIX/share/applications/nnlin-gui.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$PREFIX/share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$PREFIX/share/icons/hicolor" || true
echo "installed: $PREFIX/bin/nnlin-gui (menu: nnlin GUI; CSV files: Open With > nnlin GUI)"
