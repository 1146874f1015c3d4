"""What ``--deliver`` names, read from the text the person wrote.

- ``imap://USER@HOST[:PORT]/FOLDER``, ``imaps://…``: an IMAP mailbox (STARTTLS on ``imap://``,
  implicit TLS on ``imaps://``); USER may itself hold an ``@`` (``ann@gmail.com``): the last
  ``@`` before the host separates them. No folder means INBOX. ``%XX`` escapes are decoded
  in the user and the folder (a folder with a ``%`` or a space, say).
- ``lmtp://HOST[:PORT]`` (port 24) or ``lmtp:/path/to/socket``: an LMTP server.
- ``mda:COMMAND``: a program that takes the message on its standard input.
- ``mbox:PATH``: one mbox file (``~`` is the home folder).

The text itself is what the settings keep (``Account.deliver``); this module reads it each
time it is needed, so there is one spelling of a destination, the person's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from popgui.catalog import Sentence
from popgui.catalog import destinations as says
from popgui.checks import bad_setting, check_host
from popgui.errors import SettingError

Kind = Literal["imap", "lmtp", "mda", "mbox"]
#: The schemes ``--deliver`` takes, as the person writes them.
SCHEMES = ("imap://", "imaps://", "lmtp://", "lmtp:", "mda:", "mbox:")
IMAP_PORT, IMAPS_PORT, LMTP_PORT = 143, 993, 24


@dataclass(frozen=True)
class DeliverSpec:
    kind: Kind
    #: imaps:// (implicit TLS).
    implicit_tls: bool = False
    host: str = ""
    port: int = 0
    user: str = ""
    folder: str = ""
    #: lmtp:/path (a Unix socket), mbox:PATH.
    path: str = ""
    #: mda:COMMAND.
    command: str = ""


def parse_deliver(text: str) -> DeliverSpec:
    """The destination *text* names, or a SettingError (``setting="deliver"``) saying why not."""
    value = text.strip()
    if any(ch in value for ch in "\r\n\0"):
        raise bad_setting("deliver", says.CONTROL_CHARACTERS)
    lowered = value.lower()
    if lowered.startswith(("imap://", "imaps://")):
        return _imap(value)
    if lowered.startswith("lmtp://"):
        host, port = _host_port(value[len("lmtp://") :].rstrip("/"), LMTP_PORT)
        return DeliverSpec("lmtp", host=host, port=port)
    if lowered.startswith("lmtp:"):
        path = value[len("lmtp:") :]
        if not path.startswith("/"):
            raise bad_setting("deliver", says.LMTP_SOCKET_NOT_ABSOLUTE, path=repr(path))
        return DeliverSpec("lmtp", path=path)
    if lowered.startswith("mda:"):
        command = value[len("mda:") :].strip()
        if not command:
            raise bad_setting("deliver", says.MDA_EMPTY)
        return DeliverSpec("mda", command=command)
    if lowered.startswith("mbox:"):
        path = os.path.expanduser(value[len("mbox:") :].strip())
        if not path:
            raise bad_setting("deliver", says.MBOX_EMPTY)
        return DeliverSpec("mbox", path=os.path.abspath(path))
    raise bad_setting("deliver", says.UNKNOWN_SCHEME, text=repr(value), schemes=", ".join(SCHEMES))


def _imap(value: str) -> DeliverSpec:
    implicit_tls = value.lower().startswith("imaps://")
    rest = value.split("://", 1)[1]
    authority, _, folder = rest.partition("/")
    user, at, hostport = authority.rpartition("@")
    if not at or not user:
        raise bad_setting("deliver", says.IMAP_NO_USER, text=repr(value))
    host, port = _host_port(hostport, IMAPS_PORT if implicit_tls else IMAP_PORT)
    folder = unquote(folder.rstrip("/")) or "INBOX"
    return DeliverSpec(
        "imap", implicit_tls=implicit_tls, host=host, port=port, user=unquote(user), folder=folder
    )


def _host_port(text: str, default_port: int) -> tuple[str, int]:
    if text.startswith("["):  # [IPv6]:port
        host, _, tail = text[1:].partition("]")
        port_text = tail.removeprefix(":")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, ""
    if not host:
        raise bad_setting("deliver", says.NO_HOST, text=repr(text))
    try:
        checked = check_host(host)
    except SettingError as error:  # said of the destination, not of the POP server
        raise SettingError(error.sentence or str(error), setting="deliver") from None
    if not port_text:
        return checked, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise bad_setting("deliver", says.BAD_PORT, port=repr(port_text))
    return checked, int(port_text)


def describe_spec(spec: DeliverSpec) -> Sentence:
    """A short plain description: "INBOX on imap.example.com", "the mbox file ~/mail.mbox"."""
    if spec.kind == "imap":
        return says.IMAP_FOLDER_ON(folder=spec.folder, host=spec.host)
    if spec.kind == "lmtp":
        place = spec.path or f"{spec.host}:{spec.port}"
        return says.LMTP_AT(place=place)
    if spec.kind == "mda":
        return says.PROGRAM(command=spec.command)
    return says.MBOX_FILE(path=spec.path)
