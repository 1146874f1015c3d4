"""The hostile servers' scripts: every class of bad reply, one scenario each.

A scenario builds a :class:`~bench.torture.hostile_server.Script` for the timeout and huge-
message size of the run, and says whether the input is *legal* (popgui must succeed: 8-bit
headers, UIDLs with "/" and "..", bare LF line ends...) or bad (popgui must fail cleanly).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bench.torture.hostile_server import (
    CLOSE,
    SILENCE,
    Message,
    Reply,
    Script,
    Session,
    endless,
    huge_message,
    stuffed,
    then,
    trickle,
)


@dataclass(frozen=True)
class Env:
    """What a scenario may depend on."""

    timeout: float
    huge_size: int
    seed: int


@dataclass(frozen=True)
class Scenario:
    name: str
    build: Callable[[Env], Script]
    legal: bool = False
    huge: bool = False  # the peak-memory limit applies

    @property
    def protocol(self) -> str:
        return "pop2" if self.name.startswith("pop2") else "pop3"


def _text(index: int, extra: bytes = b"") -> bytes:
    return (
        b"From: sender%d@example.org\r\nTo: you@example.com\r\nSubject: message %d\r\n"
        % (index, index)
        + extra
        + b"\r\nLine one of message %d\r\n.a line with a leading dot\r\n..two\r\n.\r\nend\r\n"
        % index
    )


SMALL = tuple(Message.of(_text(i)) for i in range(1, 4))


def _pop3(**fields: object) -> Script:
    fields.setdefault("messages", SMALL)
    return Script("pop3", **fields)  # type: ignore[arg-type]


def _pop2(**fields: object) -> Script:
    fields.setdefault("messages", SMALL)
    return Script("pop2", **fields)  # type: ignore[arg-type]


def _on(command: str, reply: Callable[[Session, list[str]], Reply]) -> dict[str, object]:
    return {"overrides": {command: reply}}


def _retr_override(
    which: int, body: Callable[[Session, Message], Reply]
) -> Callable[[Session, list[str]], Reply]:
    """RETR ``which`` (1-based) answered by ``body``; the others well-formed."""

    def answer(session: Session, args: list[str]) -> Reply:
        message = session.messages[int(args[0]) - 1]
        if args and args[0] == str(which):
            return body(session, message)
        return [b"+OK\r\n", *stuffed(message)]

    return answer


def _half(message: Message) -> bytes:
    whole = b"".join(message.blocks())
    return whole[: len(whole) // 2]


def _random_bytes(seed: int, size: int = 4096) -> bytes:
    data = bytearray(random.Random(seed).randbytes(size))
    return bytes(b if b != 0x2B else 0x2A for b in data)  # no "+", so never a status


# -- POP3 -------------------------------------------------------------------------------------


def _p3_overlong_greeting(env: Env) -> Script:
    return _pop3(greeting=then(endless(b"+OK ", b"x" * 65536, 64 << 20), CLOSE))


def _p3_overlong_reply(env: Env) -> Script:
    reply = then(endless(b"+OK ", b"y" * 65536, 64 << 20), CLOSE)
    return _pop3(**_on("LIST", lambda s, a: reply))


def _p3_random_greeting(env: Env) -> Script:
    return _pop3(greeting=then([_random_bytes(env.seed)], CLOSE))


def _p3_random_retr(env: Env) -> Script:
    junk = _random_bytes(env.seed + 1)
    return _pop3(**_on("RETR", _retr_override(1, lambda s, m: then([junk], SILENCE))))


def _p3_truncated_retr(env: Env) -> Script:
    return _pop3(**_on("RETR", _retr_override(2, lambda s, m: then([b"+OK\r\n", _half(m)], CLOSE))))


def _p3_truncated_listing(env: Env) -> Script:
    return _pop3(**_on("UIDL", lambda s, a: then([b"+OK\r\n1 uid-1\r\n2 uid"], CLOSE)))


def _p3_missing_terminator_close(env: Env) -> Script:
    body = _retr_override(1, lambda s, m: then([b"+OK\r\n", *stuffed(m, terminator=b"")], CLOSE))
    return _pop3(capabilities=(b"USER", b"UIDL"), **_on("RETR", body))


def _p3_missing_terminator_silent(env: Env) -> Script:
    body = _retr_override(1, lambda s, m: then([b"+OK\r\n", *stuffed(m, terminator=b"")], SILENCE))
    return _pop3(capabilities=(b"USER", b"UIDL"), **_on("RETR", body))


def _p3_duplicate_uidl(env: Env) -> Script:
    return _pop3(uidls=("same", "other", "same"))


def _p3_uidl_paths(env: Env) -> Script:
    evil = f"../../../../../../../../tmp/popgui-torture-{env.seed}"
    return _pop3(uidls=(evil, "a/b/../../c", ".."))


def _p3_list_uidl_disagree(env: Env) -> Script:
    reply = [b"+OK\r\n1 uid-1\r\n2 uid-2\r\n4 uid-4\r\n.\r\n"]
    return _pop3(**_on("UIDL", lambda s, a: reply))


def _p3_number_zero(env: Env) -> Script:
    reply = [b"+OK\r\n0 100\r\n1 100\r\n2 100\r\n.\r\n"]
    return _pop3(**_on("LIST", lambda s, a: reply))


def _p3_number_huge(env: Env) -> Script:
    reply = [b"+OK\r\n1 100\r\n" + b"9" * 5000 + b" 100\r\n.\r\n"]
    return _pop3(**_on("LIST", lambda s, a: reply))


def _p3_size_huge(env: Env) -> Script:
    reply = [b"+OK\r\n1 " + b"7" * 40 + b"\r\n2 100\r\n3 100\r\n.\r\n"]
    return _pop3(**_on("LIST", lambda s, a: reply))


def _p3_size_disagrees(env: Env) -> Script:
    big = Message.of(_text(9, b"X-Filler: " + b"f" * 200_000 + b"\r\n"))
    reply = [b"+OK\r\n1 10\r\n2 10\r\n.\r\n"]
    return _pop3(messages=(SMALL[0], big), **_on("LIST", lambda s, a: reply))


def _p3_retr_refused(env: Env) -> Script:
    def refuse(session: Session, args: list[str]) -> Reply:
        if args == ["2"]:
            return [b"-ERR [SYS/TEMP] message 2 is locked\r\n"]
        return [b"+OK\r\n", *stuffed(session.messages[int(args[0]) - 1])]

    return _pop3(**_on("RETR", refuse))


def _p3_bare_lf(env: Env) -> Script:
    lf = tuple(Message.of(b"".join(m.blocks()).replace(b"\r\n", b"\n")) for m in SMALL)
    return _pop3(messages=lf, eol=b"\n", greeting=[b"+OK bare LF server\n"])


def _p3_nul_body(env: Env) -> Script:
    nul = Message.of(_text(7, b"X-Nul: a\x00b\r\n") + b"body with \x00 NUL\x00\x00\r\n")
    return _pop3(messages=(nul, *SMALL[1:]))


def _p3_nul_uidl(env: Env) -> Script:
    return _pop3(uidls=("uid-1", "uid\x00two", "uid-3"))


def _p3_eight_bit(env: Env) -> Script:
    headers = (
        b"X-Latin1: caf\xe9\r\nX-Utf8: \xc3\xa9t\xc3\xa9 \xe2\x82\xac\r\nX-Raw: \xff\xfe\x80\r\n"
    )
    eight = Message.of(_text(8, headers).replace(b"Subject: message 8", b"Subject: \xe9\xe8\xff"))
    return _pop3(messages=(eight, *SMALL[1:]), greeting=[b"+OK h\xe9llo \xff\r\n"])


def _p3_silent(env: Env) -> Script:
    return _pop3(greeting=SILENCE)


def _p3_close_after_greeting(env: Env) -> Script:
    return _pop3(greeting=then([b"+OK hello\r\n"], CLOSE))


def _p3_err_greeting(env: Env) -> Script:
    return _pop3(greeting=then([b"-ERR [SYS/TEMP] maintenance\r\n"], CLOSE))


def _p3_trickle_greeting(env: Env) -> Script:
    return _pop3(
        greeting=then(
            trickle(b"+OK a very slow hello from a trickling server\r\n", env.timeout - 1), CLOSE
        )
    )


def _p3_trickle_body(env: Env) -> Script:
    def slow(session: Session, message: Message) -> Reply:
        body = trickle(b"".join(stuffed(message)), env.timeout - 1)
        return then(itertools.chain([b"+OK\r\n"], body), CLOSE)

    return _pop3(**_on("RETR", _retr_override(1, slow)))


def _p3_endless_uidl(env: Env) -> Script:
    def listing() -> Iterator[bytes]:
        yield b"+OK\r\n"
        for start in itertools.count(1, 10_000):
            yield b"".join(b"%d uid-%d\r\n" % (i, i) for i in range(start, start + 10_000))

    return _pop3(**_on("UIDL", lambda s, a: then(listing(), CLOSE)))


def _p3_quit_unanswered(env: Env) -> Script:
    return _pop3(**_on("QUIT", lambda s, a: CLOSE))


def _p3_garbage_after_message(env: Env) -> Script:
    def extra(session: Session, message: Message) -> Reply:
        return [b"+OK\r\n", *stuffed(message), b"surprise!\r\n"]

    return _pop3(capabilities=(b"USER", b"UIDL"), **_on("RETR", _retr_override(3, extra)))


def _p3_huge(env: Env) -> Script:
    return _pop3(messages=(huge_message(env.huge_size, env.seed), SMALL[0]))


# -- POP2 -------------------------------------------------------------------------------------


def _length_lie(delta: int) -> Callable[[Session, list[str]], Reply]:
    """READ answered with a length ``delta`` octets off the truth."""

    def read(session: Session, args: list[str]) -> Reply:
        if args and args[0].isdigit():
            session.current = int(args[0])
        size = session.messages[session.current - 1].size
        return [b"=%d\r\n" % (size + delta)]

    return read


def _p2_count_long_close(env: Env) -> Script:
    return _pop2(overrides={"READ": _length_lie(+50), "RETR": _retr2(CLOSE)})


def _p2_count_long_silent(env: Env) -> Script:
    return _pop2(overrides={"READ": _length_lie(+50), "RETR": _retr2(SILENCE)})


def _retr2(after: object) -> Callable[[Session, list[str]], Reply]:
    def retr(session: Session, args: list[str]) -> Reply:
        return then(list(session.messages[session.current - 1].blocks()), after)  # type: ignore[arg-type]

    return retr


def _p2_count_short(env: Env) -> Script:
    return _pop2(overrides={"READ": _length_lie(-20)})


def _p2_count_huge(env: Env) -> Script:
    return _pop2(overrides={"HELO": lambda s, a: [b"#" + b"9" * 40 + b"\r\n"]})


def _p2_length_huge(env: Env) -> Script:
    return _pop2(overrides={"READ": lambda s, a: [b"=" + b"9" * 300 + b"\r\n"]})


def _p2_random_greeting(env: Env) -> Script:
    return _pop2(greeting=then([_random_bytes(env.seed + 2)], CLOSE))


def _p2_bare_lf(env: Env) -> Script:
    return _pop2(greeting=[b"+ POP2 bare LF\n"])


def _p2_silent(env: Env) -> Script:
    return _pop2(greeting=SILENCE)


def _p2_close_after_greeting(env: Env) -> Script:
    return _pop2(greeting=then([b"+ POP2 hello\r\n"], CLOSE))


def _p2_overlong_reply(env: Env) -> Script:
    return _pop2(overrides={"HELO": lambda s, a: then(endless(b"#", b"1" * 65536, 8 << 20), CLOSE)})


def _p2_speaks_pop3(env: Env) -> Script:
    return _pop2(greeting=[b"+OK POP3 server ready\r\n"])


def _p2_eight_bit_nul(env: Env) -> Script:
    odd = Message.of(_text(5, b"X-Latin1: caf\xe9\r\n") + b"nul \x00 here\r\n")
    return _pop2(messages=(odd, *SMALL[1:]))


def _p2_huge(env: Env) -> Script:
    return _pop2(messages=(SMALL[0], huge_message(env.huge_size, env.seed + 1)))


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("pop3-overlong-greeting", _p3_overlong_greeting),
    Scenario("pop3-overlong-reply", _p3_overlong_reply),
    Scenario("pop3-random-greeting", _p3_random_greeting),
    Scenario("pop3-random-retr", _p3_random_retr),
    Scenario("pop3-truncated-retr-close", _p3_truncated_retr),
    Scenario("pop3-truncated-listing-close", _p3_truncated_listing),
    Scenario("pop3-missing-terminator-close", _p3_missing_terminator_close),
    Scenario("pop3-missing-terminator-silent", _p3_missing_terminator_silent),
    Scenario("pop3-duplicate-uidl", _p3_duplicate_uidl),
    Scenario("pop3-uidl-slash-dotdot", _p3_uidl_paths, legal=True),
    Scenario("pop3-list-uidl-disagree", _p3_list_uidl_disagree),
    Scenario("pop3-message-number-zero", _p3_number_zero),
    Scenario("pop3-message-number-5000-digits", _p3_number_huge),
    Scenario("pop3-size-40-digits", _p3_size_huge),
    Scenario("pop3-list-size-disagrees", _p3_size_disagrees, legal=True),
    Scenario("pop3-retr-refused", _p3_retr_refused, legal=True),
    Scenario("pop3-bare-lf", _p3_bare_lf, legal=True),
    Scenario("pop3-nul-in-body", _p3_nul_body, legal=True),
    Scenario("pop3-nul-in-uidl", _p3_nul_uidl),
    Scenario("pop3-8bit-headers", _p3_eight_bit, legal=True),
    Scenario("pop3-silent", _p3_silent),
    Scenario("pop3-close-after-greeting", _p3_close_after_greeting),
    Scenario("pop3-err-greeting", _p3_err_greeting),
    Scenario("pop3-trickle-greeting", _p3_trickle_greeting),
    Scenario("pop3-trickle-body", _p3_trickle_body),
    Scenario("pop3-endless-uidl", _p3_endless_uidl),
    Scenario("pop3-quit-unanswered", _p3_quit_unanswered),
    Scenario("pop3-garbage-after-message", _p3_garbage_after_message),
    Scenario("pop3-huge-message", _p3_huge, legal=True, huge=True),
    Scenario("pop2-count-long-close", _p2_count_long_close),
    Scenario("pop2-count-long-silent", _p2_count_long_silent),
    Scenario("pop2-count-short", _p2_count_short),
    Scenario("pop2-message-count-40-digits", _p2_count_huge),
    Scenario("pop2-length-300-digits", _p2_length_huge),
    Scenario("pop2-random-greeting", _p2_random_greeting),
    Scenario("pop2-bare-lf", _p2_bare_lf),
    Scenario("pop2-silent", _p2_silent),
    Scenario("pop2-close-after-greeting", _p2_close_after_greeting),
    Scenario("pop2-overlong-reply", _p2_overlong_reply),
    Scenario("pop2-speaks-pop3", _p2_speaks_pop3),
    Scenario("pop2-8bit-and-nul", _p2_eight_bit_nul, legal=True),
    Scenario("pop2-huge-message", _p2_huge, legal=True, huge=True),
)


def by_name(name: str) -> Scenario:
    for scenario in SCENARIOS:
        if scenario.name == name:
            return scenario
    raise KeyError(name)
