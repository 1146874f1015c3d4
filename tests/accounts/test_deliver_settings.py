"""``--deliver`` read into a DeliverSpec, and the ``deliver*`` settings checked: each setting
only where its kind of destination uses it, so that none silently does nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from popgui.accounts.deliver_settings import MICROSOFT_IMAP_SCOPE, oauth_view
from popgui.accounts.destination_spec import DeliverSpec, describe_spec, parse_deliver
from popgui.accounts.settings import Account, account_from_dict, validate_account
from popgui.destinations.factory import credentials_account
from popgui.errors import ConfigError, SettingError


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("imap://ann@gmail.com@imap.gmail.com/INBOX",
         DeliverSpec("imap", host="imap.gmail.com", port=143, user="ann@gmail.com",
                     folder="INBOX")),
        ("imaps://bob@mail.example:1993/Archive/2024",
         DeliverSpec("imap", implicit_tls=True, host="mail.example", port=1993, user="bob",
                     folder="Archive/2024")),
        ("IMAPS://bob@mail.example", DeliverSpec("imap", implicit_tls=True, host="mail.example",
                                                 port=993, user="bob", folder="INBOX")),
        ("imap://a%20b@h/My%20Mail", DeliverSpec("imap", host="h", port=143, user="a b",
                                                 folder="My Mail")),
        ("lmtp://127.0.0.1:2424", DeliverSpec("lmtp", host="127.0.0.1", port=2424)),
        ("lmtp://[::1]", DeliverSpec("lmtp", host="::1", port=24)),
        ("lmtp:/run/dovecot/lmtp", DeliverSpec("lmtp", path="/run/dovecot/lmtp")),
        ("mda:/usr/bin/procmail -d ann", DeliverSpec("mda", command="/usr/bin/procmail -d ann")),
        ("mbox:/var/mail/ann", DeliverSpec("mbox", path="/var/mail/ann")),
    ],
)  # fmt: skip
def test_the_destinations_read(text: str, spec: DeliverSpec) -> None:
    assert parse_deliver(text) == spec


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("ftp://x", "is not a destination popgui knows"),
        ("imap://host/INBOX", "names no user"),
        ("imap://a@h:99999/x", "is not a port number"),
        ("imap://a@bad host/", "is not a valid host name"),
        ("lmtp:relative/socket", "must be a full path"),
        ("mda:", "needs a command"),
        ("mbox:", "needs a file"),
        ("mbox:/x\n/y", "line break"),
    ],
)
def test_a_destination_popgui_cannot_read_is_refused_naming_the_setting(
    text: str, says: str
) -> None:
    with pytest.raises(SettingError) as caught:
        parse_deliver(text)
    assert says in str(caught.value) and caught.value.setting == "deliver"


def test_a_description_for_people() -> None:
    assert str(describe_spec(parse_deliver("imap://a@h/Boxes"))) == "Boxes on h"
    assert str(describe_spec(parse_deliver("mbox:/m/x"))) == "the mbox file /m/x"


def account(**fields: Any) -> Account:
    return Account(name="ann", host="pop.example.com", user="ann", **fields)


@pytest.mark.parametrize(
    ("fields", "setting"),
    [
        ({"deliver_to": "x"}, "deliver_to"),  # no destination at all
        ({"deliver": "mbox:/m", "deliver_to": "x"}, "deliver_to"),
        ({"deliver": "lmtp://h", "deliver_to": "<x>"}, "deliver_to"),
        ({"deliver": "mbox:/m", "deliver_shell": True}, "deliver_shell"),
        ({"deliver": "lmtp://h", "deliver_timeout_seconds": 5}, "deliver_timeout_seconds"),
        ({"deliver": "mda:x", "deliver_timeout_seconds": 0}, "deliver_timeout_seconds"),
        ({"deliver": "mbox:/m", "deliver_security": "none"}, "deliver_security"),
        ({"deliver": "lmtp:/run/s", "deliver_security": "none"}, "deliver_security"),
        ({"deliver": "mda:x", "deliver_ca_file": "/ca.pem"}, "deliver_ca_file"),
        ({"deliver": "lmtp://h", "deliver_password_source": "command"}, "deliver_password_source"),
        ({"deliver": "imap://a@h/I", "deliver_password_source": "command"},
         "deliver_password_command"),
        ({"deliver": "imap://a@h/I", "deliver_password_command": "x"}, "deliver_password_command"),
        ({"deliver": "mbox:/m", "protocol": "pop2", "security": "none"}, "deliver"),
        ({"deliver": "mbox:/m", "adopt": True}, "adopt"),
        ({"deliver": "imap://a@h/I", "deliver_oauth_provider": "google"},
         "deliver_oauth_provider"),
        ({"deliver": "imap://a@h/I", "deliver_auth": "oauth2"}, "deliver_oauth_provider"),
        ({"deliver": "imap://a@h/I", "deliver_auth": "oauth2", "deliver_oauth_provider": "custom"},
         "deliver_oauth_issuer"),
        ({"deliver": "mbox:/m", "deliver_auth": "oauth2", "deliver_oauth_provider": "google"},
         "deliver_auth"),
    ],
)  # fmt: skip
def test_settings_of_another_kind_of_destination_are_refused(
    fields: dict[str, Any], setting: str
) -> None:
    with pytest.raises(SettingError) as caught:
        validate_account(account(**fields))
    assert caught.value.setting == setting, str(caught.value)


def test_settings_that_belong_are_kept() -> None:
    for fields in (
        {"deliver": "imaps://a@h/I", "deliver_password_source": "command",
         "deliver_password_command": "pass show imap", "deliver_ca_file": "/ca.pem"},
        {"deliver": "imap://a@h/I", "deliver_security": "none"},
        {"deliver": "lmtp://h:24", "deliver_to": "ann@example.org", "deliver_security": "none"},
        {"deliver": "mda:/usr/bin/procmail", "deliver_shell": True, "deliver_timeout_seconds": 60},
        {"deliver": "imaps://a@gmail.com@imap.gmail.com/INBOX", "deliver_auth": "oauth2",
         "deliver_oauth_provider": "google"},
    ):  # fmt: skip
        made = account(**fields)
        assert validate_account(made) == made
        assert account_from_dict(made.to_dict()) == made


def test_a_json_file_with_a_bad_deliver_value_is_refused() -> None:
    data = account(deliver="mbox:/m").to_dict()
    with pytest.raises(ConfigError, match="deliver_timeout_seconds"):
        account_from_dict({**data, "deliver_timeout_seconds": "soon"})
    with pytest.raises(ConfigError, match="deliver_shell"):
        account_from_dict({**data, "deliver_shell": "yes"})


def test_the_destination_signs_in_under_a_name_no_account_can_have() -> None:
    made = account(
        deliver="imaps://me@imap.example.org/INBOX",
        password_source="command", password_command="pass show pop",
        deliver_password_source="command", deliver_password_command="pass show imap",
    )  # fmt: skip
    credentials = credentials_account(made)
    assert (credentials.name, credentials.user, credentials.host) == (
        "ann/deliver",
        "me",
        "imap.example.org",
    )
    assert credentials.password_command == "pass show imap"
    assert credentials.auth == "auto" and credentials.oauth_provider is None


def test_a_microsoft_destination_asks_for_imap_not_pop() -> None:
    made = account(
        deliver="imaps://me@outlook.com@outlook.office365.com/INBOX", deliver_auth="oauth2",
        deliver_oauth_provider="microsoft",
    )  # fmt: skip
    assert oauth_view(made).oauth_scope == MICROSOFT_IMAP_SCOPE
    own = replace(made, deliver_oauth_scope="https://outlook.office.com/IMAP.AccessAsUser.All")
    assert oauth_view(own).oauth_scope == "https://outlook.office.com/IMAP.AccessAsUser.All"
    assert credentials_account(made).auth == "oauth2"
