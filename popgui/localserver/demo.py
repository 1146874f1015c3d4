"""The pair of local servers ``popgui demo`` runs, as the window is told about them."""

from __future__ import annotations

from dataclasses import dataclass

from popgui.localserver.pop2server import LocalPOP2Server
from popgui.localserver.pop3server import LocalPOP3Server

__all__ = ["DemoServers"]


@dataclass(frozen=True)
class DemoServers:
    """The running demo servers, for the window to describe (where they listen)."""

    pop3: LocalPOP3Server
    pop2: LocalPOP2Server
