"""Checks of what a person types for an account, shared by the settings and the network layer.

A host name and a pinned certificate fingerprint are checked once, the same way, whether they
come from ``settings.json``, ``popgui account add``, the account dialog or a connection. This
module sits at the bottom with :mod:`popgui.errors` and the catalog: it imports nothing else
of popgui.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from typing import Final

from popgui.catalog import Message
from popgui.catalog import accounts as says
from popgui.errors import SettingError

__all__ = ["bad_setting", "check_host", "fingerprint_pairs", "normalize_fingerprint"]

_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


def check_host(host: str) -> str:
    """The host name, IPv4 or IPv6 address to connect to, or SettingError (a ConfigError).

    Blanks around it and the brackets of an IPv6 literal are removed; an IPv6 address is
    returned in its short form. A host name is made of labels of letters, digits, ``-`` and
    ``_`` (a non-ASCII name is checked in its IDNA form), and is not all digits at the end.
    """
    value = host.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    if not value:
        raise bad_setting("host", says.HOST_EMPTY)
    if ":" in value:
        try:
            return str(ipaddress.IPv6Address(value))
        except ValueError:
            raise _bad_host(says.HOST_NOT_IPV6, host) from None
    with contextlib.suppress(ValueError):
        return str(ipaddress.IPv4Address(value))
    try:
        ascii_host = value if value.isascii() else value.encode("idna").decode("ascii")
    except UnicodeError:
        raise _bad_host(says.HOST_INVALID, host) from None
    labels = ascii_host.removesuffix(".").split(".")
    if len(ascii_host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise _bad_host(says.HOST_BAD_CHARACTERS, host)
    if labels[-1].isdigit():
        raise _bad_host(says.HOST_ALL_DIGITS, host)
    return value


def _bad_host(message: Message, host: str) -> SettingError:
    return bad_setting("host", message, host=repr(host))


def bad_setting(setting: str, message: Message, **values: object) -> SettingError:
    """The error for one wrong setting of an account; ``message`` names it as ``{setting}``
    (when it names it: some sentences speak of it in their own words)."""
    if "setting" in message.fields:
        values = {"setting": setting, **values}
    return SettingError(message(**values), setting=setting)


#: 32 pairs of hex digits, each pair but the last followed by at most one colon or blank.
_SPELLED: Final = re.compile(r"(?:[0-9A-Fa-f]{2}[:\s]?){31}[0-9A-Fa-f]{2}")


def normalize_fingerprint(text: str) -> str:
    """Return a SHA-256 fingerprint as lowercase hex pairs joined by colons.

    Accepts upper or lower case, the 32 pairs of digits with or without a colon or a space
    between them, a ``sha256:`` prefix, and the output of ``openssl x509 -fingerprint
    -sha256`` ("sha256 Fingerprint=AB:CD:..."). Raises SettingError (a ConfigError) for
    anything else.
    """
    value = text.strip()
    if "=" in value:
        value = value.rsplit("=", 1)[1]
    value = re.sub(r"^sha-?256:?", "", value.strip(), flags=re.IGNORECASE)
    if not _SPELLED.fullmatch(value):
        # Starts with the setting's name, as every account setting's error does.
        raise bad_setting("fingerprint", says.FINGERPRINT_FORM)
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
