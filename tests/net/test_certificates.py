"""Certificate details read by popgui.net.certificates (with cryptography), host checks."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from popgui.checks import check_host
from popgui.errors import ConfigError
from popgui.net.certificates import certificate_fingerprint, decode_certificate
from tests.support.certs import TestPKI, fingerprint


def der_of(path: Path) -> bytes:
    return ssl.PEM_cert_to_DER_cert(path.read_text("ascii"))


def test_a_certificate_is_described_without_a_connection(test_pki: TestPKI) -> None:
    der = der_of(test_pki.server_cert)
    info = decode_certificate(der)
    assert info.fingerprint == certificate_fingerprint(der) == fingerprint(test_pki.server_cert)
    assert info.subject == "CN=localhost"
    assert info.issuer == "CN=popgui test CA"
    assert info.subject_alt_names == ("DNS:localhost", "IP Address:127.0.0.1", "IP Address:::1")
    assert info.not_before is not None and info.not_before.endswith(" UTC")
    assert info.not_after is not None and info.not_after.endswith(" UTC")


def test_validity_dates_are_utc(test_pki: TestPKI) -> None:
    info = decode_certificate(der_of(test_pki.expired_cert))
    assert info.not_before == "2020-01-01 00:00:00 UTC"
    assert info.not_after == "2021-01-01 00:00:00 UTC"


def test_unreadable_bytes_still_have_a_fingerprint() -> None:
    info = decode_certificate(b"not a certificate")
    assert info.fingerprint == certificate_fingerprint(b"not a certificate")
    assert (info.subject, info.issuer, info.not_before, info.not_after) == (None,) * 4
    assert info.subject_alt_names == ()


@pytest.mark.parametrize(
    ("host", "checked"),
    [
        ("127.0.0.1", "127.0.0.1"),
        (" pop.example.org ", "pop.example.org"),
        ("[::1]", "::1"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("mail_1.example.org", "mail_1.example.org"),
        ("bücher.example", "bücher.example"),
    ],
)
def test_check_host_accepts_names_and_addresses(host: str, checked: str) -> None:
    assert check_host(host) == checked


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("", "host is empty"),
        ("1.2.3.999", "neither a host name nor an IP address"),
        ("01.2.3.4", "neither a host name nor an IP address"),
        ("pop.example.org:995", "port setting"),
        ("a b", "not a valid host name"),
        ("-pop.example.org", "not a valid host name"),
    ],
)
def test_check_host_refuses_what_cannot_be_a_host(host: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        check_host(host)
