"""``popgui preview NAME``: what waits on the server (TOP), downloading nothing."""

from __future__ import annotations

import json
import sys
from argparse import Namespace

from popgui.cli.common import debug_trace, find_account, load, open_profile, secret_for
from popgui.cli.progress import human_size
from popgui.net.session import ConnectOptions
from popgui.sync.preview import PreviewItem, preview_account


def run_preview(args: Namespace) -> int:
    profile = open_profile(args)
    account = find_account(load(profile), args.name)
    options = ConnectOptions(timeout=args.timeout, trace=debug_trace(args, account.name))
    items = preview_account(
        account, secret_for(account, profile), profile, lines=args.lines, options=options
    )
    if args.json:
        json.dump([item_as_json(item) for item in items], sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_preview_table(account.name, items)
    return 0


def item_as_json(item: PreviewItem) -> dict[str, object]:
    data: dict[str, object] = {
        "number": item.number,
        "uid": item.uid,
        "size": item.size,
        "from": item.sender,
        "subject": item.subject,
        "date": item.date.isoformat() if item.date else None,
        "downloaded": item.downloaded,
    }
    if item.excerpt:
        data["lines"] = item.excerpt
    return data


def print_preview_table(title: str, items: list[PreviewItem]) -> None:
    """A table on a terminal; tab-separated lines when piped."""
    if not sys.stdout.isatty():
        for item in items:
            date = item.date.isoformat() if item.date else ""
            mark = "downloaded" if item.downloaded else "new"
            print(
                f"{item.number}\t{mark}\t{human_size(item.size)}\t{date}\t{item.sender}\t"
                f"{item.subject}"
            )
            if item.excerpt:
                print("\t" + item.excerpt.replace("\n", "\n\t"))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"On the server: {title} ({len(items)} messages)")
    for column in ("#", "", "From", "Subject", "Date", "Size"):
        table.add_column(column, overflow="ellipsis", no_wrap=column != "Subject")
    for item in items:
        date = item.date.strftime("%Y-%m-%d %H:%M") if item.date else ""
        subject = Text(item.subject)
        if item.excerpt:
            subject.append("\n" + item.excerpt, style="dim")
        table.add_row(
            str(item.number),
            "✓" if item.downloaded else "•",
            Text(item.sender),
            subject,
            date,
            human_size(item.size),
        )
    Console().print(table)
