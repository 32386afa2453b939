#!/bin/sh
# Put pausepoint in this user's applications menu (no root): the folder stays where it was
# unpacked; a link in ~/.local/bin, the menu entry and the icons point at it.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$HOME/.local/bin" "$data/applications"
ln -sf "$here/pausepoint" "$HOME/.local/bin/pausepoint"
for size in 48 128 256; do
  mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
  cp "$here/icons/$size.png" "$data/icons/hicolor/${size}x${size}/apps/pausepoint.png"
done
mkdir -p "$data/icons/hicolor/scalable/apps"
cp "$here/icons/pausepoint.svg" "$data/icons/hicolor/scalable/apps/pausepoint.svg"
sed "s|@BIN@|$here/pausepoint|" "$here/pausepoint.desktop" > "$data/applications/pausepoint.desktop"
chmod 644 "$data/applications/pausepoint.desktop"
echo "pausepoint is in your applications menu; in a terminal: $HOME/.local/bin/pausepoint"
