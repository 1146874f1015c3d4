"""Provider presets for the account dialog: host, port and security of well-known POP services.

Each preset names the page its settings were checked against (comment beside it). Providers
change their servers; the dialog fills the fields and the person can still edit them, and
"Test connection" shows at once if a preset has gone stale.

A provider without POP (iCloud Mail) is listed with ``available=False``: the dialog explains
instead of filling anything.

No Qt here: plain data, so the tests and the command line could use it too. The notes (and
the one label that is not a brand name) are marked for translation with a local
``QT_TRANSLATE_NOOP`` that lupdate recognises (context "Presets"); the account dialog
translates them when it shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from popgui.accounts.choices import AuthMethod, Security


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for translation in ``context``; the text itself is returned unchanged."""
    return text


@dataclass(frozen=True)
class ProviderPreset:
    """One provider's POP3 settings; ``notes`` is shown in the dialog when it is chosen."""

    key: str
    label: str
    host: str
    port: int
    security: Security
    notes: str
    auth: AuthMethod = "auto"
    available: bool = True


PRESETS: tuple[ProviderPreset, ...] = (
    # Checked: https://mailconfiguration.com/gmail/gmail-imap-pop-smtp-settings/ (quoting
    # Google's "IMAP, POP, and SMTP" developer page: pop.gmail.com, 995, SSL; SASL XOAUTH2)
    # and https://clean.email/blog/email-settings/gmail-email-settings
    ProviderPreset(
        key="gmail",
        label="Gmail",
        host="pop.gmail.com",
        port=995,
        security="tls",
        auth="oauth2",
        notes=QT_TRANSLATE_NOOP(
            "Presets",
            "Turn on POP first in Gmail: Settings → Forwarding and POP/IMAP. Then press "
            "Sign in… and sign in to Google in your browser. (An app password works too: "
            "choose another login method.) Gmail gives about 250 messages per session; a "
            "later check fetches the rest.",
        ),
    ),
    # Checked: https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-8361e398-8af4-4e97-b147-6c6c4ac95353
    # ("POP server name outlook.office365.com, port 995, SSL/TLS, OAuth2/Modern Auth");
    # the OAuth2-only rule: getmail6 #256, mpop #11 (see /work/shared/ref/pop3-field-notes.md).
    ProviderPreset(
        key="outlook",
        label="Outlook.com / Microsoft 365",
        host="outlook.office365.com",
        port=995,
        security="tls",
        auth="oauth2",
        notes=QT_TRANSLATE_NOOP(
            "Presets",
            "Microsoft refuses passwords for POP: enter your address as the user name, press "
            "Sign in… and sign in to Microsoft in your browser. POP must be switched on in "
            "Outlook.com: Settings → Mail → Forwarding and IMAP (for Microsoft 365, your "
            "administrator decides).",
        ),
    ),
    # Checked: https://unanswered.io/guide/yahoo-mail-protocols-imap-pop-smtp-settings
    # (pop.mail.yahoo.com, 995, SSL required; app password for third-party apps)
    ProviderPreset(
        key="yahoo",
        label="Yahoo Mail",
        host="pop.mail.yahoo.com",
        port=995,
        security="tls",
        notes=QT_TRANSLATE_NOOP(
            "Presets",
            "Yahoo wants an app password for other mail programs: create one under "
            "Account security → Generate app password, and use it here.",
        ),
    ),
    # Checked: https://www.antwort.net/a/technologie/wie-lauten-die-gmx-mail-pop-einstellungen.html
    # (pop.gmx.net, 995, SSL/TLS only). gmx.com/gmx.fr addresses use pop.gmx.com (next preset).
    ProviderPreset(
        key="gmx",
        label="GMX (gmx.net, gmx.de)",
        host="pop.gmx.net",
        port=995,
        security="tls",
        notes=QT_TRANSLATE_NOOP(
            "Presets",
            "Switch on POP3/IMAP access in the GMX web mail first (Settings → POP3 & IMAP). "
            "The user name is your full e-mail address.",
        ),
    ),
    # Checked: the pop.gmx.com entries of mail programs' provider tables (GitHub code search:
    # "gmx.com": ("imap.gmx.com", "pop.gmx.com")) and https://support.gmx.com/pop-imap/imap/imap.html
    ProviderPreset(
        key="gmx-com",
        label="GMX (gmx.com, gmx.fr)",
        host="pop.gmx.com",
        port=995,
        security="tls",
        notes=QT_TRANSLATE_NOOP(
            "Presets",
            "Switch on POP3/IMAP access in the GMX web mail first. The user name is your "
            "full e-mail address.",
        ),
    ),
    # Checked: provider tables in public mail clients list pop.orange.fr, port 995 with TLS
    # (GitHub code search "pop.orange.fr"); assistance.orange.fr has the same server names.
    ProviderPreset(
        key="orange",
        label="Orange / Wanadoo",
        host="pop.orange.fr",
        port=995,
        security="tls",
        notes=QT_TRANSLATE_NOOP(
            "Presets", "The user name is your full Orange address (…@orange.fr or …@wanadoo.fr)."
        ),
    ),
    # Checked: pop.free.fr in public mail clients' provider tables (GitHub code search
    # "pop.free.fr"); Free offers POP3 over TLS on 995 (and APOP on 110).
    ProviderPreset(
        key="free",
        label="Free",
        host="pop.free.fr",
        port=995,
        security="tls",
        notes=QT_TRANSLATE_NOOP(
            "Presets", "The user name is your Free address without @free.fr (your login)."
        ),
    ),
    # Checked: provider table with pop.laposte.net, 995, SSL (GitHub code search
    # "pop.laposte.net": Type pop3, Port 995, SocketType SSL).
    ProviderPreset(
        key="laposte",
        label="La Poste (laposte.net)",
        host="pop.laposte.net",
        port=995,
        security="tls",
        notes=QT_TRANSLATE_NOOP("Presets", "The user name is your address without @laposte.net."),
    ),
    # Checked: https://www.quai-des-entrepreneurs.com/ovh-mail (ssl0.ovh.net with SSL/TLS
    # for the MX Plan offer) and http://gids.ovh.nl/EmailSmtpPop3Imap (ssl0.ovh.net is the
    # host name the certificate carries).
    ProviderPreset(
        key="ovh",
        label="OVHcloud (MX Plan)",
        host="ssl0.ovh.net",
        port=995,
        security="tls",
        notes=QT_TRANSLATE_NOOP(
            "Presets",
            "For OVHcloud MX Plan mailboxes. The user name is the full e-mail address. "
            "Email Pro and Exchange use other servers: see your OVHcloud control panel.",
        ),
    ),
    # Checked: https://clean.email/blog/email-settings/icloud-email-settings ("iCloud does
    # not support POP"); Apple documents only imap.mail.me.com and smtp.mail.me.com.
    ProviderPreset(
        key="icloud",
        label=QT_TRANSLATE_NOOP("Presets", "iCloud Mail (no POP)"),
        host="",
        port=0,
        security="tls",
        available=False,
        notes=QT_TRANSLATE_NOOP(
            "Presets",
            "iCloud Mail offers no POP access at all, only IMAP (imap.mail.me.com), which "
            "popgui does not speak. To download iCloud mail with popgui, forward it to a "
            "mailbox that offers POP.",
        ),
    ),
)

_BY_KEY = {preset.key: preset for preset in PRESETS}


def preset(key: str) -> ProviderPreset:
    """The preset called ``key``; KeyError if there is none."""
    return _BY_KEY[key]


def matching_preset(host: str) -> ProviderPreset | None:
    """The preset whose server is ``host`` (ignoring case), so an edited account shows it."""
    wanted = host.strip().lower().rstrip(".")
    return next((p for p in PRESETS if p.available and p.host == wanted), None)
