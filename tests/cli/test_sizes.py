"""The command line writes sizes in the window's units: powers of 1024, "KB" and "MB".

One convention everywhere (see popgui/gui/i18n.py's format_size): a message that reads
"522 KB" in the window must not read "534.5 kB" in ``popgui preview``.
"""

from __future__ import annotations

from popgui.cli.progress import human_size


def test_sizes_use_the_window_units() -> None:
    assert human_size(0) == "0 B"
    assert human_size(1004) == "1004 B"
    assert human_size(1024) == "1 KB"
    assert human_size(534_528) == "522 KB"
    assert human_size(int(2.5 * 1024 * 1024)) == "2.5 MB"
    assert human_size(3 * 1024**3) == "3.0 GB"
