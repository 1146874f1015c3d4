"""Sentences about an account's proxy (:mod:`popgui.net.proxy`, the ``proxy`` setting).

Every error names the proxy (``{proxy}``: its kind and address, never a password) and, where
it matters, the mail server popgui asked it to reach (``{place}``).
"""

from __future__ import annotations

from popgui.catalog import Message

# The setting.
BAD_URL = Message(
    "proxy.bad-url",
    "the proxy {url} is not valid: {reason}; write socks5://HOST:PORT, socks5h://HOST:PORT or "
    "http://HOST:PORT, with USER@ or USER:PASSWORD@ before the host when the proxy asks for a "
    "login",
)
BAD_SCHEME = Message("proxy.bad-scheme", "popgui knows socks5, socks5h and http proxies")
NO_HOST = Message("proxy.no-host", "the proxy's host is missing")
NO_PORT = Message("proxy.no-port", "the proxy's port is missing")
BAD_PORT = Message("proxy.bad-port", "its port must be a number from 1 to 65535")
EXTRA_PARTS = Message(
    "proxy.extra-parts", "a proxy address has no path, query or fragment after the port"
)
BAD_USER = Message(
    "proxy.bad-user", "the user name is empty, too long or has characters a proxy cannot take"
)
PASSWORD_IN_SETTINGS = Message(
    "proxy.password-in-settings",
    "the settings file must not hold the proxy's password: keep it in the keyring "
    "(popgui account add --proxy with the password in the address stores it there)",
)
PASSWORD_SOURCE_UNUSED = Message(
    "proxy.password-source-unused",
    "{setting} is only for a proxy that asks for a login: put USER@ in the proxy address",
)
PASSWORD_COMMAND_EMPTY = Message(
    "proxy.password-command-empty", "the proxy's password command is empty"
)
PASSWORD_COMMAND_UNUSED = Message(
    "proxy.password-command-unused",
    "the proxy's password command is only used with proxy_password_source = command",
)
NO_PASSWORD = Message(
    "proxy.no-password",
    "no password is stored for {user} at {proxy}: enter it in the account's proxy settings "
    "(on the command line: popgui account add … --proxy-password-stdin --replace)",
)

# What went wrong on the way through the proxy.
DOWN = Message("proxy.down", "{proxy} cannot be reached: {reason}")
SILENT = Message("proxy.silent", "{proxy} did not answer within {seconds}")
CLOSED = Message(
    "proxy.closed", "{proxy} closed the connection before the tunnel to {place} was open"
)
LOST = Message("proxy.lost", "the connection to {proxy} was lost: {reason}")
NOT_SOCKS = Message(
    "proxy.not-socks",
    "{proxy} did not answer like a SOCKS5 proxy: check the address, port and kind of proxy",
)
NOT_HTTP = Message(
    "proxy.not-http",
    "{proxy} did not answer like an HTTP proxy: check the address, port and kind of proxy",
)
LOGIN_NEEDED = Message(
    "proxy.login-needed",
    "{proxy} asks for a user name and password: put USER@ in the proxy address "
    "and keep its password in the keyring",
)
NO_COMMON_METHOD = Message(
    "proxy.no-common-method",
    "{proxy} accepts none of the sign-in methods popgui offers (none, and user name with password)",
)
LOGIN_REFUSED = Message(
    "proxy.login-refused", "{proxy} refused the user name {user} or its password"
)
LOGIN_TOO_LONG = Message(
    "proxy.login-too-long",
    "a SOCKS5 proxy takes a user name and a password of at most 255 bytes each",
)
REFUSED_DESTINATION = Message(
    "proxy.refused-destination", "{proxy} did not connect to {place}: {reason}"
)
HTTP_STATUS = Message("proxy.http-status", "it answered {status}")

# The SOCKS5 reply codes (RFC 1928, section 6): the {reason} of REFUSED_DESTINATION.
SOCKS_FAILURE = Message("proxy.socks-failure", "the proxy failed (general SOCKS server failure)")
SOCKS_NOT_ALLOWED = Message("proxy.socks-not-allowed", "its rules do not allow this connection")
SOCKS_NETWORK_UNREACHABLE = Message(
    "proxy.socks-network-unreachable", "the network is unreachable from the proxy"
)
SOCKS_HOST_UNREACHABLE = Message(
    "proxy.socks-host-unreachable",
    "the host is unreachable from the proxy (or its name is unknown there)",
)
SOCKS_CONNECTION_REFUSED = Message(
    "proxy.socks-connection-refused", "the mail server refused the proxy's connection"
)
SOCKS_TTL_EXPIRED = Message(
    "proxy.socks-ttl-expired", "the mail server did not answer the proxy in time (TTL expired)"
)
SOCKS_COMMAND_UNSUPPORTED = Message(
    "proxy.socks-command-unsupported", "the proxy does not support CONNECT"
)
SOCKS_ADDRESS_UNSUPPORTED = Message(
    "proxy.socks-address-unsupported", "the proxy does not support this kind of address"
)
SOCKS_UNKNOWN = Message("proxy.socks-unknown", "the proxy answered with the unknown code {code}")

# The ``account show`` and Test connection wording.
DESCRIBE = Message("proxy.describe", "the {kind} proxy {address}")
KIND_SOCKS5 = Message("proxy.kind-socks5", "SOCKS5")
KIND_SOCKS5H = Message("proxy.kind-socks5h", "SOCKS5 (names resolved by the proxy)")
KIND_HTTP = Message("proxy.kind-http", "HTTP")
THROUGH = Message("proxy.through", "The connection goes through {proxy}.")
