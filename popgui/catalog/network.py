"""Sentences about connecting and the connection (:mod:`popgui.net`)."""

from __future__ import annotations

from popgui.catalog import Message

BAD_PORT = Message("network.bad-port", "the port {port} is not valid: use a number from 1 to 65535")
BAD_TIMEOUT = Message(
    "network.bad-timeout", "the timeout {timeout} is not valid: use a positive number of seconds"
)
BAD_HOST_NAME = Message("network.bad-host-name", "the host name {host} is not valid")
CANCELLED = Message("network.cancelled", "cancelled")
CONNECT_FAILED = Message("network.connect-failed", "could not connect to {place}: {reason}")
SECONDS = Message("network.seconds", "{count} second(s)", plural=True)

# Why connecting failed: the {reason} of CONNECT_FAILED.
NO_ADDRESS = Message("network.no-address", "the host name has no address")
NAME_NOT_FOUND = Message("network.name-not-found", "the host name was not found")
NAME_SERVER_SILENT = Message(
    "network.name-server-silent",
    "the host name could not be looked up (the name server did not answer)",
)
LOOKUP_FAILED = Message("network.lookup-failed", "the host name could not be looked up ({detail})")
REFUSED = Message("network.refused", "connection refused")
NO_ANSWER = Message("network.no-answer", "no answer within {seconds}")
NETWORK_UNREACHABLE = Message("network.network-unreachable", "the network is unreachable")
HOST_UNREACHABLE = Message("network.host-unreachable", "the host is unreachable")
ADDRESS_UNREACHABLE = Message(
    "network.address-unreachable", "the address cannot be reached from this computer"
)
CONNECTION_RESET = Message("network.connection-reset", "the connection was reset")
SERVER_CLOSED = Message("network.server-closed", "the server closed the connection")
