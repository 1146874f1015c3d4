"""popgui's own local POP3 and POP2 servers, for ``popgui demo`` and the test suite.

Strict, in-memory, standard library only. Typical use::

    account = ServerAccount("sam", "secret")
    for content in sample_messages():
        account.mailbox.add(content)
    with LocalPOP3Server([account]) as server:
        ...  # connect to server.address
"""

from popgui.localserver.demo import DemoServers
from popgui.localserver.faults import Faults
from popgui.localserver.mailstore import (
    ServerAccount,
    ServerMailbox,
    ServerMessage,
    normalize_line_endings,
)
from popgui.localserver.pop2server import LocalPOP2Server
from popgui.localserver.pop3server import LocalPOP3Server, dot_stuff
from popgui.localserver.samples import sample_messages

__all__ = [
    "DemoServers",
    "Faults",
    "LocalPOP2Server",
    "LocalPOP3Server",
    "ServerAccount",
    "ServerMailbox",
    "ServerMessage",
    "dot_stuff",
    "normalize_line_endings",
    "sample_messages",
]
