"""Checks of what a person types for an account, shared by the settings and the network layer.

A host name and a pinned certificate fingerprint are checked once, the same way, whether they
come from ``settings.json``, ``popgui account add``, the account dialog or a connection. This
module sits at the bottom with :mod:`popgui.errors`: it imports nothing else of popgui.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from typing import Final

from popgui.errors import ConfigError

__all__ = ["check_host", "fingerprint_pairs", "normalize_fingerprint"]

_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


def check_host(host: str) -> str:
    """The host name, IPv4 or IPv6 address to connect to, or ConfigError.

    Blanks around it and the brackets of an IPv6 literal are removed; an IPv6 address is
    returned in its short form. A host name is made of labels of letters, digits, ``-`` and
    ``_`` (a non-ASCII name is checked in its IDNA form), and is not all digits at the end.
    """
    value = host.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    if not value:
        raise ConfigError("host is empty: give the POP server name, e.g. pop.example.org")
    if ":" in value:
        try:
            return str(ipaddress.IPv6Address(value))
        except ValueError:
            raise ConfigError(
                f"host {host!r} is not a valid host name or IPv6 address "
                "(give the port in the port setting)"
            ) from None
    with contextlib.suppress(ValueError):
        return str(ipaddress.IPv4Address(value))
    try:
        ascii_host = value if value.isascii() else value.encode("idna").decode("ascii")
    except UnicodeError:
        raise ConfigError(f"host {host!r} is not a valid host name") from None
    labels = ascii_host.removesuffix(".").split(".")
    if len(ascii_host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise ConfigError(
            f"host {host!r} is not a valid host name (a server name has letters, digits, '-' "
            "and '.'; no spaces, slashes or port numbers)"
        )
    if labels[-1].isdigit():
        raise ConfigError(f"host {host!r} is neither a host name nor an IP address")
    return value


#: 32 pairs of hex digits, each pair but the last followed by at most one colon or blank.
_SPELLED: Final = re.compile(r"(?:[0-9A-Fa-f]{2}[:\s]?){31}[0-9A-Fa-f]{2}")


def normalize_fingerprint(text: str) -> str:
    """Return a SHA-256 fingerprint as lowercase hex pairs joined by colons.

    Accepts upper or lower case, the 32 pairs of digits with or without a colon or a space
    between them, a ``sha256:`` prefix, and the output of ``openssl x509 -fingerprint
    -sha256`` ("sha256 Fingerprint=AB:CD:..."). Raises ConfigError for anything else.
    """
    value = text.strip()
    if "=" in value:
        value = value.rsplit("=", 1)[1]
    value = re.sub(r"^sha-?256:?", "", value.strip(), flags=re.IGNORECASE)
    if not _SPELLED.fullmatch(value):
        # Starts with the setting's name, as every account setting's error does.
        raise ConfigError(
            "fingerprint must be a SHA-256 fingerprint: 64 hexadecimal digits, "
            "with or without a colon between each pair"
        )
    return fingerprint_pairs(re.sub(r"[\s:]", "", value).lower())


def fingerprint_pairs(digits: str) -> str:
    """Hex digits as lowercase pairs joined by colons: "ab:cd:..."."""
    return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost`` or a loopback address): what may be
    reached over plain http, since nothing then travels over a network."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
