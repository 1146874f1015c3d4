#!/usr/bin/env bash
# Put popgui's desktop integration in the XDG locations: the menu entry, the AppStream
# metainfo, the icons and the man page. The program itself is installed separately (pip,
# pipx, or the standalone bundle): see packaging/README.md.
#
#   bash packaging/linux/install.sh              into ~/.local (for you only)
#   sudo PREFIX=/usr/local bash packaging/linux/install.sh     for every user
#   bash packaging/linux/install.sh --uninstall  remove what it installed
#
# Environment:
#   PREFIX       where to install (default: $HOME/.local); files go under PREFIX/share
#   DESTDIR      a staging root for distribution packages (default: none)
#   POPGUI_EXEC  the command the menu entry runs (default: popgui, looked up in PATH); give
#                a full path when popgui is not in the desktop session's PATH, for instance
#                POPGUI_EXEC=/opt/popgui/popgui for the standalone bundle
#   PYTHON       the Python that writes the man page (default: python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
app_id="io.github.popgui"
prefix="${PREFIX:-$HOME/.local}"
share="${DESTDIR:-}$prefix/share"
python="${PYTHON:-python3}"
exec_command="${POPGUI_EXEC:-popgui}"
icons_source="$root/popgui/resources/icons/hicolor"

desktop="$share/applications/$app_id.desktop"
metainfo="$share/metainfo/$app_id.metainfo.xml"
manpage="$share/man/man1/popgui.1"

icon_files() {
    (cd "$icons_source" && find . -path '*/apps/popgui.*' -type f | sed 's|^\./||' | sort)
}

refresh_caches() {
    if [ -n "${DESTDIR:-}" ]; then
        return  # a staging root: the package's own scripts refresh the caches on the target
    fi
    if command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$share/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null && [ -f "$share/icons/hicolor/index.theme" ]; then
        gtk-update-icon-cache -q -t -f "$share/icons/hicolor" || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$desktop" "$metainfo" "$manpage" "$manpage.gz"
    while read -r icon; do
        rm -f "$share/icons/hicolor/$icon"
    done < <(icon_files)
    refresh_caches
    echo "popgui's desktop files removed from $share"
    exit 0
elif [ $# -gt 0 ]; then
    echo "usage: $0 [--uninstall]" >&2
    exit 2
fi

# The menu entry, pointed at the chosen command (a path with spaces is quoted, as the
# Desktop Entry specification asks).
install -d "$share/applications"
case "$exec_command" in
    *[[:space:]]*) exec_value="\"$exec_command\"" ;;
    *) exec_value="$exec_command" ;;
esac
sed -e "s|^Exec=.*|Exec=$exec_value|" -e "s|^TryExec=.*|TryExec=$exec_command|" \
    "$here/$app_id.desktop" > "$desktop.tmp"
chmod 644 "$desktop.tmp"
mv "$desktop.tmp" "$desktop"

install -D -m 644 "$here/$app_id.metainfo.xml" "$metainfo"

while read -r icon; do
    install -D -m 644 "$icons_source/$icon" "$share/icons/hicolor/$icon"
done < <(icon_files)

# The man page, generated from the command line's own definitions.
install -d "$share/man/man1"
"$python" "$root/packaging/manpage.py" > "$manpage.tmp"
chmod 644 "$manpage.tmp"
mv "$manpage.tmp" "$manpage"

refresh_caches

echo "popgui's desktop files installed under $share:"
echo "  $desktop"
echo "  $metainfo"
echo "  $share/icons/hicolor/*/apps/popgui.{png,svg}"
echo "  $manpage"
if ! command -v "$exec_command" >/dev/null; then
    echo "note: '$exec_command' is not in this PATH: install popgui (see packaging/README.md)" \
        "or set POPGUI_EXEC to its full path" >&2
fi
