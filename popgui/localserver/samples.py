"""Sample mail for ``popgui demo`` and the tests: varied, friendly, deterministic.

:func:`sample_messages` returns the messages as transmitted (CRLF line endings). The set
covers what a client meets in practice: a long thread (In-Reply-To / References), French
messages (RFC 2047 headers, UTF-8 quoted-printable bodies), an HTML newsletter
(multipart/alternative), attachments (PNG, PDF, plain text), lines starting with ``.``
(dot-stuffing), a line far longer than 2048 octets, an empty body, and dates spread over the
last two weeks. All addresses use the reserved ``example.com``/``.org``/``.net`` domains.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import functools
import struct
import zlib
from collections.abc import Callable
from email.headerregistry import Address
from email.message import EmailMessage

__all__ = ["sample_messages", "tiny_pdf", "tiny_png"]

_UTC = dt.UTC
_PARIS = dt.timezone(dt.timedelta(hours=2))
_TORONTO = dt.timezone(dt.timedelta(hours=-4))

_ALICE = Address("Alice Martin", "alice", "example.org")
_BOB = Address("Bob Chen", "bob.chen", "example.org")
_CHLOE = Address("Chloé Dubois", "chloe", "example.com")
_DAN = Address("Dan Okafor", "dan", "example.net")
_AMELIE = Address("Amélie Lefèvre", "amelie.lefevre", "example.net")
_ME = Address("Sam Demo", "sam", "example.com")
_GAZETTE = Address("The Garden Gazette", "news", "gazette.example.org")
_HOSTING = Address("Example Hosting Billing", "billing", "hosting.example.com")
_LIBRARY = Address("Riverside Library", "no-reply", "library.example.org")
_TEAM = [_ALICE, _BOB, _CHLOE, _DAN, _ME]

_Build = Callable[[dt.datetime], EmailMessage]


def tiny_png(width: int = 16, height: int = 16) -> bytes:
    """A small valid PNG (an RGB gradient), made without any image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 160)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing *text* (ASCII), with a correct cross-reference table."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _base(
    sender: Address,
    to: Address | list[Address],
    subject: str,
    date: dt.datetime,
    msgid: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to if isinstance(to, list) else [to]
    message["Subject"] = subject
    message["Date"] = date
    message["Message-ID"] = f"<{msgid}@example.org>"
    return message


# -- the trip thread ----------------------------------------------------------------------------

_THREAD_SUBJECT = "Team trip to the lakes in June"
_THREAD = [
    (
        _ALICE,
        "Hi all,\n\nNow that the project is shipped, how about a team trip? I was thinking\n"
        "of the lakes, the weekend of 14 June: two nights, some hiking, a lot of food.\n\n"
        "Who is in? Reply by Friday so I can book the cabins.\n\nAlice",
    ),
    (_BOB, "I'm in! Can we make sure there is a place to swim?\n\nBob"),
    (
        _CHLOE,
        "Count me in too. I can drive: my car takes four people and a lot of bags.\n\nChloé",
    ),
    (_DAN, "Sounds great. I'll bring the board games.\n\nDan"),
    (
        _ALICE,
        "Great, that's five of us with Sam. Cabins: there are two with four beds each,\n"
        "120 per night per cabin. I'll book both unless someone objects.\n\nAlice",
    ),
    (
        _ME,
        "Fine by me. For the food, shall we do a shared shopping list?\n"
        "...and that's all from me, I'm off to pack already.\n\nSam",
    ),
    (
        _BOB,
        "Shared list started. Ideas so far:\n"
        ". pasta and pesto\n"
        ". eggs, bread, coffee (lots of coffee)\n"
        ".\n"
        "(that lone dot above is on purpose: it is my favourite list terminator)\n\nBob",
    ),
    (_CHLOE, "Route: about three hours with a coffee stop. We leave at 8 on Friday?\n\nChloé"),
    (_DAN, "8 is early but OK. I'll be at the office at 7:45 with croissants.\n\nDan"),
    (
        _ALICE,
        "Booked! Confirmation numbers: CAB-2231 and CAB-2232. Check-in from 3 pm.\n\nAlice",
    ),
    (_ME, "Weather forecast: sunny, 24 degrees. Bring a hat.\n\nSam"),
    (_BOB, "Last call for the shopping list, I go to the market tomorrow.\n\nBob"),
    (
        _CHLOE,
        "Thanks everyone for a lovely weekend! Photos coming in a separate mail.\n\nChloé",
    ),
]


def _thread_message_at(index: int, now: dt.datetime) -> EmailMessage:
    sender, body = _THREAD[index]
    date = now - dt.timedelta(days=13 - index, hours=9 - index % 5, minutes=7 * index)
    recipients = [person for person in _TEAM if person != sender]
    subject = _THREAD_SUBJECT if index == 0 else f"Re: {_THREAD_SUBJECT}"
    message = _base(sender, recipients, subject, date, f"trip.{index}")
    if index:
        message["In-Reply-To"] = f"<trip.{index - 1}@example.org>"
        message["References"] = " ".join(f"<trip.{i}@example.org>" for i in range(index))
    if body.isascii():
        message.set_content(body + "\n", charset="us-ascii", cte="7bit")
    else:
        message.set_content(body + "\n", charset="utf-8", cte="quoted-printable")
    return message


# -- single messages ----------------------------------------------------------------------------


def _welcome(now: dt.datetime) -> EmailMessage:
    message = _base(_ME, _ME, "Welcome to the popgui demo", now - dt.timedelta(minutes=5), "hi")
    message.set_content(
        "Hello!\n\n"
        "This mailbox lives on a small POP3 server inside popgui itself, so you can try\n"
        "the program without a real account. Download the messages, preview them, delete\n"
        "a few: nothing here is real and nothing leaves your computer.\n\n"
        "Have fun,\nThe popgui developers\n",
        charset="us-ascii",
        cte="7bit",
    )
    return message


def _french_meeting(now: dt.datetime) -> EmailMessage:
    date = (now - dt.timedelta(days=6, hours=3)).astimezone(_PARIS)
    message = _base(
        _AMELIE, _ME, "Réunion de l'association : ordre du jour", date, "asso.ordre-du-jour"
    )
    message.set_content(
        "Bonjour à tous,\n\n"
        "La prochaine réunion de l'association aura lieu jeudi à 19 h, salle des fêtes.\n"
        "Ordre du jour :\n"
        "  1. Bilan de la fête du quartier (très réussie, merci !)\n"
        "  2. Budget des activités d'été\n"
        "  3. Questions diverses — apportez vos idées\n\n"
        "Il y aura du café et des gâteaux.\n\n"
        "Amicalement,\nAmélie\n",
        charset="utf-8",
        cte="quoted-printable",
    )
    return message


def _french_outing(now: dt.datetime) -> EmailMessage:
    date = (now - dt.timedelta(days=4, hours=1)).astimezone(_PARIS)
    message = _base(_CHLOE, _TEAM[:4], "Sortie à Annecy : qui vient ?", date, "annecy")
    message.set_content(
        "Salut la compagnie,\n\n"
        "Je propose une sortie à Annecy samedi prochain : tour du lac à vélo, pique-nique\n"
        "et baignade si l'eau n'est pas trop fraîche. Départ 9 h devant la gare.\n\n"
        "Répondez-moi avant mercredi, je réserve les vélos électriques.\n\n"
        "Bises,\nChloé\n",
        charset="utf-8",
        cte="quoted-printable",
    )
    return message


def _french_invoice(now: dt.datetime) -> EmailMessage:
    date = (now - dt.timedelta(days=9, hours=6)).astimezone(_PARIS)
    sender = Address("Librairie Lumière", "factures", "librairie.example.com")
    message = _base(sender, _ME, "Votre facture n° 2024-117", date, "facture.2024-117")
    message.set_content(
        "Bonjour,\n\n"
        "Merci pour votre commande ! Vous trouverez ci-joint la facture n° 2024-117\n"
        "d'un montant de 42,50 €.\n\n"
        "Bonne lecture,\nL'équipe de la Librairie Lumière\n",
        charset="utf-8",
        cte="quoted-printable",
    )
    message.add_attachment(
        tiny_pdf("Facture 2024-117 - 42.50 EUR"),
        maintype="application",
        subtype="pdf",
        filename="facture-2024-117.pdf",
    )
    return message


def _newsletter(now: dt.datetime) -> EmailMessage:
    date = (now - dt.timedelta(days=2, hours=4)).astimezone(_TORONTO)
    message = _base(_GAZETTE, _ME, "The Garden Gazette: spring issue", date, "gazette.spring")
    message["List-Unsubscribe"] = "<https://gazette.example.org/unsubscribe>"
    text = (
        "THE GARDEN GAZETTE - Spring issue\n\n"
        "* Tomatoes: when to sow them indoors\n"
        "* Five herbs that grow on any windowsill\n"
        "* Reader photo of the month: a very proud pumpkin\n\n"
        "Read online: https://gazette.example.org/spring\n"
    )
    html = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        "<title>The Garden Gazette</title></head>\n"
        '<body style="font-family: Georgia, serif; max-width: 600px; margin: auto;">\n'
        '<h1 style="color: #2e7d32;">The Garden Gazette</h1>\n'
        "<p><em>Spring issue</em> &mdash; everything you need for a green season.</p>\n"
        "<h2>Tomatoes: when to sow them indoors</h2>\n"
        "<p>Six to eight weeks before the last frost. Keep them warm, give them light, and\n"
        "resist the urge to overwater.</p>\n"
        "<h2>Five herbs for any windowsill</h2>\n"
        "<ul><li>Basil</li><li>Parsley</li><li>Chives</li><li>Mint</li><li>Thyme</li></ul>\n"
        '<p><a href="https://gazette.example.org/spring">Read online</a> &middot; '
        '<a href="https://gazette.example.org/unsubscribe">Unsubscribe</a></p>\n'
        "</body></html>\n"
    )
    message.set_content(text, charset="us-ascii", cte="7bit")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def _photos(now: dt.datetime) -> EmailMessage:
    message = _base(
        _CHLOE,
        _TEAM[:2] + _TEAM[3:],
        "Photos from the lakes",
        now - dt.timedelta(hours=30),
        "trip.photos",
    )
    message["In-Reply-To"] = f"<trip.{len(_THREAD) - 1}@example.org>"
    message.set_content(
        "Here is the sunset from the jetty (a small version, the full ones are on the\n"
        "shared drive).\n\nChloé\n",
        charset="utf-8",
        cte="quoted-printable",
    )
    message.add_attachment(tiny_png(), maintype="image", subtype="png", filename="sunset.png")
    return message


def _hosting_invoice(now: dt.datetime) -> EmailMessage:
    date = (now - dt.timedelta(days=11, hours=2)).astimezone(_UTC)
    message = _base(_HOSTING, _ME, "Invoice INV-0042 for your web hosting", date, "inv-0042")
    message.set_content(
        "Hello Sam,\n\n"
        "Your invoice INV-0042 for the period 1-31 May is attached.\n"
        "Amount: 9.90 USD, paid by card on file. No action is needed.\n\n"
        "Thank you for hosting with us!\n",
        charset="us-ascii",
        cte="7bit",
    )
    message.add_attachment(
        tiny_pdf("Invoice INV-0042 - 9.90 USD - paid"),
        maintype="application",
        subtype="pdf",
        filename="INV-0042.pdf",
    )
    return message


def _meeting_notes(now: dt.datetime) -> EmailMessage:
    message = _base(
        _DAN,
        _TEAM[:4],
        "Notes from Tuesday's planning meeting",
        now - dt.timedelta(days=5),
        "notes.tuesday",
    )
    message.set_content(
        "Hi team, the notes are attached as a text file. Short version: we ship on the 3rd.\n"
        "\nDan\n",
        charset="us-ascii",
        cte="7bit",
    )
    notes = (
        "Planning meeting - Tuesday\n"
        "==========================\n\n"
        "Present: Alice, Bob, Chloe, Dan, Sam\n\n"
        "1. Release date: the 3rd. Freeze on the 1st.\n"
        "2. Bob reviews the installer; Chloe updates the screenshots.\n"
        "3. Next meeting: Tuesday, same time.\n"
    )
    message.add_attachment(notes, filename="meeting-notes.txt", charset="us-ascii")
    return message


def _long_line(now: dt.datetime) -> EmailMessage:
    message = _base(
        _BOB,
        _ME,
        "Sensor export (one very long line)",
        now - dt.timedelta(days=3, hours=5),
        "sensor.export",
    )
    readings = ",".join(f"{18 + (i * 7) % 9}.{(i * 13) % 10}" for i in range(1200))
    message.set_content(
        "Sam, here is the raw export from the greenhouse sensor, exactly as the device wrote\n"
        "it (no line breaks, sorry):\n\n" + readings + "\n\nBob\n",
        charset="us-ascii",
        cte="7bit",
    )
    return message


def _library(now: dt.datetime) -> EmailMessage:
    message = _base(
        _LIBRARY,
        _ME,
        "Reminder: 2 books due on Friday",
        now - dt.timedelta(days=1, hours=2),
        "library.reminder",
    )
    message.set_content(
        "Dear reader,\n\n"
        "The following items are due on Friday:\n"
        "  - A Field Guide to Garden Birds\n"
        "  - Bread Baking for Beginners\n\n"
        "You can renew them online or at the desk.\n\n"
        "Riverside Library\n",
        charset="us-ascii",
        cte="7bit",
    )
    return message


def _empty_body(now: dt.datetime) -> EmailMessage:
    message = _base(_DAN, _ME, "(no text) lunch?", now - dt.timedelta(hours=3), "lunch")
    message.set_content("", charset="us-ascii", cte="7bit")
    return message


_SINGLES: list[_Build] = [
    _french_meeting,
    _hosting_invoice,
    _meeting_notes,
    _french_outing,
    _long_line,
    _newsletter,
    _french_invoice,
    _photos,
    _library,
    _empty_body,
]


def _builders() -> list[_Build]:
    """The base set, oldest-ish first, ending with the welcome message."""
    thread: list[_Build] = [functools.partial(_thread_message_at, i) for i in range(len(_THREAD))]
    return [*thread, *_SINGLES, _welcome]


_DIGEST_TOPICS = [
    ("Build report", "All 214 checks passed. The slowest step took 41 seconds."),
    ("Lunch menu", "Monday: soup. Tuesday: curry. Wednesday: the famous lasagne."),
    ("Book club", "This month we read a novel about a lighthouse keeper. Tea provided."),
    ("Bike repair", "Your bike is ready for pickup. New chain and brake pads fitted."),
    ("Recipe of the day", "Lemon and thyme roast potatoes. Serves four. Takes an hour."),
]


def _extra(index: int, now: dt.datetime) -> EmailMessage:
    """Further messages past the base set, for large mailboxes."""
    topic, line = _DIGEST_TOPICS[index % len(_DIGEST_TOPICS)]
    sender = _TEAM[index % 4]
    date = now - dt.timedelta(days=14, minutes=37 * index)
    message = _base(sender, _ME, f"{topic} #{index + 1}", date, f"extra.{index}")
    paragraphs = "\n\n".join(f"{line} (part {p + 1})" for p in range(1 + index % 7))
    message.set_content(paragraphs + "\n", charset="us-ascii", cte="7bit")
    if index % 10 == 3:
        message.add_attachment(
            tiny_png(24, 24), maintype="image", subtype="png", filename=f"snapshot-{index + 1}.png"
        )
    return message


def _serialise(message: EmailMessage, key: str) -> bytes:
    """CRLF bytes with deterministic MIME boundaries."""
    number = 0
    for part in message.walk():
        if part.is_multipart():
            number += 1
            part.set_boundary(f"=_popgui_{key}_{number}")
    return message.as_bytes(policy=email.policy.SMTP)


def sample_messages(count: int | None = None, *, now: dt.datetime | None = None) -> list[bytes]:
    """Sample messages (CRLF line endings, as transmitted), oldest threads first.

    Without *count*, the base set (24 messages). A smaller count takes the first ones; a
    larger one appends short generated messages (every tenth with a small PNG). Dates are
    relative to *now* (default: today at 00:00 UTC), so the result is the same for the
    same arguments on the same day, and exactly the same for a fixed *now*.
    """
    if count is not None and count < 0:
        raise ValueError("count must be >= 0")
    if now is None:
        today = dt.datetime.now(_UTC).date()
        now = dt.datetime(today.year, today.month, today.day, tzinfo=_UTC)
    elif now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    builders = _builders()
    wanted = len(builders) if count is None else count
    out = [_serialise(build(now), f"b{i}") for i, build in enumerate(builders[:wanted])]
    for extra in range(wanted - len(out)):
        out.append(_serialise(_extra(extra, now), f"x{extra}"))
    return out
