"""A scripted browser for ``$BROWSER``: like a person who consents at once.

Python's webbrowser runs ``$BROWSER URL``. This fetches the authorization address, follows the
redirect to popgui's loopback receiver (as a browser does), and appends the page it ends on,
as one JSON line, to the file named by ``POPGUI_TEST_BROWSER_LOG``.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request


def main(url: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            page = {"url": response.url, "status": response.status,
                    "text": response.read().decode("utf-8", "replace")}  # fmt: skip
    except urllib.error.HTTPError as error:
        page = {"url": error.url, "status": error.code, "text": error.read().decode()}
    log = os.environ.get("POPGUI_TEST_BROWSER_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps(page) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
