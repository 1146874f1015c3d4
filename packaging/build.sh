#!/usr/bin/env bash
# Build popgui's standalone one-folder bundle with PyInstaller: dist/popgui/ (and, on macOS,
# dist/popgui.app), with the man page dist/popgui/popgui.1 generated from the parser. The
# bundle runs on a machine of the same OS and CPU family without Python; see
# packaging/README.md for Windows and macOS.
#
#   bash packaging/build.sh            build, then check that `popgui --version` runs
#
# PYTHON picks the interpreter (default: python3); it must have popgui's dependencies
# installed (`python3 -m pip install .` or `-e .`). PyInstaller is installed if missing.
# Works in Git Bash on Windows as well.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
    echo "==> installing PyInstaller"
    "$PYTHON" -m pip install 'pyinstaller>=6.0'
fi

echo "==> PyInstaller $("$PYTHON" -m PyInstaller --version)"
rm -rf dist/popgui dist/popgui.app
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/popgui.spec

echo "==> man page"
"$PYTHON" packaging/manpage.py -o dist/popgui/popgui.1

case "$(uname -s)" in
    MINGW* | MSYS* | CYGWIN*) exe=dist/popgui/popgui.exe ;;
    *) exe=dist/popgui/popgui ;;
esac

echo "==> $exe --version"
"$exe" --version
echo "==> bundle: $(du -sh dist/popgui | cut -f1) in dist/popgui"
