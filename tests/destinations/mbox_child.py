"""A separate process that delivers a batch into an mbox the way the engine does: prepare, the
marks written down (and fsynced) first, then deliver. The tests kill it with SIGKILL at random
instants, or run it under a file size limit (a disk that fills up).

    python mbox_child.py MBOX SPOOL_DIR MARKS_FILE [FSIZE_LIMIT]

SPOOL_DIR holds the messages as files named 000.eml, 001.eml… MARKS_FILE receives a JSON list
of {"uid", "token", "mark"}; the child prints "delivering" just before deliver, then the
outcome ("delivered N" or "error: SENTENCE").
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
from pathlib import Path

from popgui.accounts.destination_spec import parse_deliver
from popgui.destinations.base import DestinationError, Outgoing
from popgui.destinations.mbox import MboxDestination


def main(argv: list[str]) -> int:
    mbox, spool, marks_file = argv[:3]
    if len(argv) > 3:  # a full disk: writes past this size fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = int(argv[3])
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    files = sorted(Path(spool).glob("*.eml"))
    batch = [
        Outgoing(
            uid=f"uid-{i}",
            token=f"{i:032x}",
            file=path.open("rb"),
            size=path.stat().st_size,
            message_id=f"<m{i}@example.org>",
            date=None,
            downloaded_at=1_780_000_000.0 + i,
        )
        for i, path in enumerate(files)
    ]
    destination = MboxDestination(parse_deliver(f"mbox:{mbox}"), lock_wait=5)
    destination.open()
    marks = destination.prepare(batch)
    rows = [{"uid": m.uid, "token": m.token, "mark": k} for m, k in zip(batch, marks, strict=True)]
    with open(marks_file + ".tmp", "w") as file:  # recorded before delivering, as the engine
        json.dump(rows, file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(marks_file + ".tmp", marks_file)
    print("delivering", flush=True)
    try:
        outcomes = destination.deliver(batch)
    except DestinationError as error:
        print(f"error: {error}", flush=True)
        return 1
    finally:
        destination.close()
    print(f"delivered {len(outcomes)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
