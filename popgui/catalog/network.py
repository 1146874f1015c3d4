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

# The connection once open (:mod:`popgui.net.transport`).
CA_FILE_UNREADABLE = Message(
    "network.ca-file-unreadable", "the CA certificate file {path} could not be read: {reason}"
)
UNKNOWN_SECURITY = Message(
    "network.unknown-security", "unknown security setting {security}: use tls, starttls or none"
)
ALREADY_ENCRYPTED = Message("network.already-encrypted", "the connection is already encrypted")
SEND_STALLED = Message(
    "network.send-stalled", "the server at {place} did not accept data within {seconds}"
)
SEND_LOST = Message("network.send-lost", "connection lost while sending to {place}: {reason}")
RECEIVE_LOST = Message(
    "network.receive-lost", "connection lost while receiving from {place}: {reason}"
)
SILENT = Message("network.silent", "the server at {place} did not answer within {seconds}")
TOO_SLOW = Message(
    "network.too-slow",
    "the server at {place} is sending too slowly: {received} octets in {seconds} of waiting, "
    "popgui needs {needed}",
)
CLOSED = Message("network.closed", "the connection to {place} is closed")
TLS_FAILED = Message(
    "network.tls-failed", "could not establish a secure connection with {place}: {reason}"
)
TLS_LOST = Message(
    "network.tls-lost", "connection lost during the TLS handshake with {place}: {reason}"
)

# Why TLS failed: the {reason} of TLS_FAILED (TLS_ERROR also of the "connection lost" ones).
TLS_ERROR = Message("network.tls-error", "TLS error ({detail})")
TLS_TOO_OLD = Message(
    "network.tls-too-old", "the server does not offer TLS 1.2 or newer, which popgui requires"
)
NOT_TLS = Message(
    "network.not-tls",
    "the server did not answer in TLS; check the port and the security setting "
    "(POP3 uses implicit TLS on port 995 and STARTTLS on port 110)",
)
NO_COMMON_CIPHER = Message(
    "network.no-common-cipher", "the server and popgui have no encryption method in common"
)
TLS_CLOSED = Message(
    "network.tls-closed", "the server closed the connection during the TLS handshake"
)
