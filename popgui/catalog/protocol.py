"""Sentences about what the server said and how popgui speaks POP3, POP2 and SASL
(:mod:`popgui.protocol`, the clients of :mod:`popgui.net.pop3client` and
:mod:`popgui.net.pop2client`)."""

from __future__ import annotations

from popgui.catalog import Message

# -- lists: one sentence made of others (a language may join them differently) -------------------
EITHER = Message("protocol.either", "{first} or {second}")
SEMICOLONS = Message("protocol.semicolons", "{first}; {rest}")

# -- the POP3 client: what the server sent ----------------------------------------------------
MALFORMED_NUMBER = Message(
    "protocol.malformed-number", "the server sent a malformed {what}: {value}"
)
IMPLAUSIBLE_NUMBER = Message(
    "protocol.implausible-number",
    "the server sent an implausible {what} ({digits} digits): {value}...",
)
# The {what} of MALFORMED_NUMBER and IMPLAUSIBLE_NUMBER.
NUMBER_IN = Message("protocol.number-in", "message number in {command}")
SIZE_OF = Message("protocol.size-of", "size for message {number}")
STAT_COUNT = Message("protocol.stat-count", "STAT count")
STAT_SIZE = Message("protocol.stat-size", "STAT size")

LISTED_ZERO = Message("protocol.listed-zero", "the server listed a message number 0 in {command}")
LISTED_TWICE = Message(
    "protocol.listed-twice", "the server listed message {number} twice in {command}"
)
MALFORMED_LINE = Message(
    "protocol.malformed-line", "the server sent a malformed {command} line: {line}"
)
INVALID_UID = Message("protocol.invalid-uid", "the server sent an invalid unique id {uid}")
SAME_UID = Message(
    "protocol.same-uid",
    "the server gave the same unique id (UIDL) to two messages; "
    "popgui will not guess which is which",
)
UNEXPECTED_REPLY = Message("protocol.unexpected-reply", "unexpected reply to {command}: {reply}")
UNEXPECTED_IN_AUTH = Message("protocol.unexpected-in-auth", "unexpected reply during AUTH: {reply}")
UNEXPECTED_IN_MESSAGE = Message(
    "protocol.unexpected-in-message", "unexpected event inside a message: {event}"
)
#: A listing as a reply, in an error: ``+OK 3 messages (3 lines)``.
LISTING_REPLY = Message("protocol.listing-reply", "{reply} ({count} line(s))", plural=True)
NO_GREETING = Message("protocol.no-greeting", "the server did not greet: {reply}")
MALFORMED_STAT = Message("protocol.malformed-stat", "the server sent a malformed STAT reply")
MALFORMED_CHALLENGE = Message(
    "protocol.malformed-challenge", "the server sent a malformed authentication challenge"
)
TOO_MANY_OCTETS = Message(
    "protocol.too-many-octets", "the server sent more octets than it announced for the message"
)
CLOSED_AFTER_MESSAGE = Message(
    "protocol.closed-after-message", "the server closed the connection right after a message"
)

# -- logging in ------------------------------------------------------------------------------
NO_STARTTLS = Message(
    "protocol.no-starttls",
    "the server does not offer STARTTLS (STLS); popgui will not fall back to an unencrypted "
    "connection. Choose TLS or, if you accept the risk, no security.",
)
UNKNOWN_METHOD = Message("protocol.unknown-method", "unknown authentication method {method}")
NO_OAUTH = Message(
    "protocol.no-oauth",
    "the server offers no OAuth2 login (OAUTHBEARER or XOAUTH2); it offers {offered}: "
    "choose a password method for this account",
)
NO_APOP = Message(
    "protocol.no-apop", "the server does not offer APOP (its greeting has no timestamp)"
)
METHOD_NOT_OFFERED = Message(
    "protocol.method-not-offered", "the server does not offer {method}; it offers {offered}."
)
METHOD_NOT_OFFERED_WHY = Message(
    "protocol.method-not-offered-why",
    "the server does not offer {method}; it offers {offered}. {why}",
)
NO_USABLE_METHOD = Message(
    "protocol.no-usable-method", "the server offers no login method popgui can use: {reasons}"
)
NOT_SUPPORTED = Message("protocol.not-supported", "{method} is not supported")
LOGIN_REFUSED = Message("protocol.login-refused", "the server refused the login ({reply}); {check}")
NO_REASON = Message("protocol.no-reason", "no reason given")
CHECK_PASSWORD = Message("protocol.check-password", "check the user name and password")
CHECK_TOKEN = Message(
    "protocol.check-token",
    "the OAuth2 access token may have expired or been revoked, or belong to another user",
)
#: A login method's own account of the refusal, with the server's words.
REFUSED_WITH_REPLY = Message("protocol.refused-with-reply", "{failure} ({reply})")
ACCEPTED_EARLY = Message(
    "protocol.accepted-early", "{mechanism}: the server accepted the login before it was sent"
)

# -- POP3 as popgui speaks it (:mod:`popgui.protocol.pop3`) ------------------------------------
ARGUMENT_COUNT = Message(
    "protocol.argument-count", "{command} takes {counts} argument(s), not {given}"
)
ARGUMENTS_TEXT = Message("protocol.arguments-text", "{command} arguments must be text")
ARGUMENTS_EMPTY = Message("protocol.arguments-empty", "{command} arguments must not be empty")
ARGUMENTS_CONTROL = Message(
    "protocol.arguments-control", "{command} arguments must not contain CR, LF or NUL"
)
ARGUMENTS_SPACES = Message(
    "protocol.arguments-spaces", "{command} arguments must not contain spaces"
)
ARGUMENTS_NUMBERS = Message(
    "protocol.arguments-numbers", "{command} takes message numbers, not {value}"
)
UNKNOWN_COMMAND = Message(
    "protocol.unknown-command", "unknown or unsupported POP3 command {command}"
)
COMMAND_TOO_LONG = Message(
    "protocol.command-too-long", "{command} command line exceeds {limit} octets"
)
NO_CHALLENGE = Message("protocol.no-challenge", "no AUTH challenge is waiting for a response")
BAD_SASL_RESPONSE = Message(
    "protocol.bad-sasl-response", "a SASL response must be ASCII without CR, LF or NUL"
)
UNUSABLE = Message("protocol.unusable", "connection unusable after a protocol error: {error}")
BEFORE_GREETING = Message("protocol.before-greeting", "{command} sent before the server greeting")
WHILE_WAITING = Message(
    "protocol.while-waiting", "{command} sent while waiting for the reply to {last}"
)
NOT_IN_STATE = Message("protocol.not-in-state", "{command} is not allowed in the {state} state")
DATA_AFTER_CLOSE = Message(
    "protocol.data-after-close", "data received after the connection was closed"
)
CLOSED_WHERE = Message("protocol.closed-where", "the server closed the connection {where}")
# The {where} of CLOSED_WHERE.
WHILE_REPLY_EXPECTED = Message("protocol.while-reply-expected", "while a reply was expected")
IN_LISTING = Message("protocol.in-listing", "in the middle of the {command} listing")
IN_MESSAGE = Message("protocol.in-message", "in the middle of a message")
DATA_UNASKED = Message("protocol.data-unasked", "the server sent data while no reply was expected")
LINE_TOO_LONG = Message("protocol.line-too-long", "a status line is longer than {limit} octets")
BAD_GREETING = Message("protocol.bad-greeting", "the server greeting is not +OK or -ERR")
BAD_STATUS = Message("protocol.bad-status", "the reply to {command} is not +OK or -ERR")
UNEXPECTED_CONTINUATION = Message(
    "protocol.unexpected-continuation", "the server sent a continuation in reply to {command}"
)
STLS_INJECTION = Message(
    "protocol.stls-injection",
    "the server sent data after STLS +OK (possible STARTTLS injection)",
)
LISTING_TOO_LONG = Message(
    "protocol.listing-too-long", "the {command} listing exceeds {limit} lines"
)

# -- POP2 (:mod:`popgui.protocol.pop2`) ------------------------------------------------------
VALUE_EMPTY = Message("protocol.value-empty", "{what} is empty")
VALUE_CONTROL = Message(
    "protocol.value-control", "{what} contains a control character (CR, LF, NUL...)"
)
VALUE_NOT_NUMBER = Message("protocol.value-not-number", "{what} must be a decimal number")
POP2_ARGUMENT_COUNT = Message(
    "protocol.pop2-argument-count", "{command} takes {most} argument(s), got {given}"
)
POP2_COMMAND_TOO_LONG = Message(
    "protocol.pop2-command-too-long", "the {command} command is longer than {limit} octets"
)
SPEAKS_POP3 = Message("protocol.speaks-pop3", "the server speaks POP3, not POP2 (wrong port?)")
NOT_POP2 = Message(
    "protocol.not-pop2", "the server sent something that is not a POP2 reply: {line}"
)
IMPLAUSIBLE_POP2_NUMBER = Message(
    "protocol.implausible-pop2-number", "the server sent an implausible number: {line}"
)
NOT_POP2_COMMAND = Message("protocol.not-pop2-command", "{command} is not a POP2 command")
DATA_AFTER_END = Message("protocol.data-after-end", "data received after the end of the stream")
POP2_UNUSABLE = Message("protocol.pop2-unusable", "the POP2 connection is unusable: {error}")
POP2_PENDING = Message(
    "protocol.pop2-pending",
    "cannot send {command}: the reply to {last} is still pending (POP2 has no pipelining)",
)
POP2_NOT_IN_STATE = Message(
    "protocol.pop2-not-in-state", "{command} is not allowed in POP2 state {state}"
)
RETR_NOTHING = Message("protocol.retr-nothing", "RETR after =0: there is no message to retrieve")
CLOSED_INSTEAD = Message(
    "protocol.closed-instead", "the server closed the connection instead of answering {command}"
)
DATA_NOBODY_ASKED = Message(
    "protocol.data-nobody-asked", "the server sent data nobody asked for: {data}"
)
POP2_CLOSED = Message("protocol.pop2-closed", "the server closed the connection")
REPLY_TOO_LONG = Message("protocol.reply-too-long", "a reply line is longer than {limit} octets")
NO_CRLF = Message("protocol.no-crlf", "a reply line does not end in CRLF: {line}")
POP2_REFUSED = Message("protocol.pop2-refused", "the server refused {command}: {reply}")
TOO_MANY_MESSAGES = Message(
    "protocol.too-many-messages",
    "the server announced {count} messages, more than popgui believes ({limit})",
)
POP2_UNEXPECTED = Message(
    "protocol.pop2-unexpected", "the server answered {command} with {line}; expected {wanted}"
)
CLOSED_EARLY = Message(
    "protocol.closed-early",
    "the connection closed {remaining} octets before the end of the message",
)
# The values a POP2 command carries: the {what} of VALUE_EMPTY...
THE_USER_NAME = Message("protocol.the-user-name", "the user name")
THE_PASSWORD = Message("protocol.the-password", "the password")
THE_MAILBOX_NAME = Message("protocol.the-mailbox-name", "the mailbox name")
THE_MESSAGE_NUMBER = Message("protocol.the-message-number", "the message number")

# -- SASL (:mod:`popgui.protocol.sasl`) -------------------------------------------------------
FIRST_CHALLENGE_NOT_EMPTY = Message(
    "protocol.first-challenge-not-empty", "{mechanism}: the server's first challenge must be empty"
)
DATA_WITH_SUCCESS = Message(
    "protocol.data-with-success", "{mechanism}: unexpected data with the server's success"
)
CANNOT_SEND_CHARACTER = Message(
    "protocol.cannot-send-character", "{what} contains a character this login method cannot send"
)
NO_AUTHZID = Message("protocol.no-authzid", "{mechanism} cannot carry an authorization identity")
PLAIN_CHALLENGED = Message(
    "protocol.plain-challenged", "PLAIN: the server sent a challenge after the credentials"
)
LOGIN_ASKED_AGAIN = Message(
    "protocol.login-asked-again", "LOGIN: the server asked for {what} again"
)
CRAM_SECOND_CHALLENGE = Message(
    "protocol.cram-second-challenge", "CRAM-MD5: the server sent a second challenge"
)
CRAM_EMPTY_CHALLENGE = Message(
    "protocol.cram-empty-challenge", "CRAM-MD5: the server's challenge is empty"
)
SASLPREP_FORBIDS = Message(
    "protocol.saslprep-forbids", "{what} contains a character SASLprep forbids"
)
MIXED_DIRECTIONS = Message(
    "protocol.mixed-directions", "{what} mixes right-to-left and left-to-right text"
)
NOT_UTF8 = Message("protocol.not-utf8", "{what} is not UTF-8")
MALFORMED = Message("protocol.malformed", "{what} is malformed")
NOT_BASE64 = Message("protocol.not-base64", "{what} is not valid base64")
BAD_NONCE = Message("protocol.bad-nonce", "a SCRAM nonce must be printable ASCII without commas")
CHALLENGE_AFTER_END = Message(
    "protocol.challenge-after-end", "{mechanism}: unexpected challenge after the exchange ended"
)
NO_SERVER_PROOF = Message(
    "protocol.no-server-proof",
    "{mechanism}: the server accepted the login without proving it knows the password",
)
UNKNOWN_EXTENSION = Message(
    "protocol.unknown-extension", "{mechanism}: the server requires an unknown extension"
)
MALFORMED_SERVER_FIRST = Message(
    "protocol.malformed-server-first", "the {mechanism} server-first message is malformed"
)
MALFORMED_SERVER_FINAL = Message(
    "protocol.malformed-server-final", "the {mechanism} server-final message is malformed"
)
NONCE_NOT_OURS = Message(
    "protocol.nonce-not-ours", "{mechanism}: the server's nonce does not extend ours"
)
NONCE_INVALID = Message(
    "protocol.nonce-invalid", "{mechanism}: the server's nonce has invalid characters"
)
EMPTY_SALT = Message("protocol.empty-salt", "{mechanism}: the server sent an empty salt")
BAD_ITERATIONS = Message("protocol.bad-iterations", "{mechanism}: bad iteration count")
ITERATIONS_OUTSIDE = Message(
    "protocol.iterations-outside",
    "{mechanism}: the iteration count {iterations} is outside 1..{limit}",
)
MECHANISM_REFUSED = Message(
    "protocol.mechanism-refused", "the server refused the {mechanism} login ({reason})"
)
NO_PASSWORD_PROOF = Message(
    "protocol.no-password-proof", "server could not prove it knows the password"
)
NEEDS_TOKEN = Message("protocol.needs-token", "{mechanism} needs an access token")
CHALLENGE_AFTER_REPORT = Message(
    "protocol.challenge-after-report", "{mechanism}: unexpected challenge after the error report"
)
REPORT_NOT_JSON = Message(
    "protocol.report-not-json", "{mechanism}: the server's error report is not JSON"
)
REPORT_NOT_OBJECT = Message(
    "protocol.report-not-object", "{mechanism}: the server's error report is not a JSON object"
)
TOKEN_REFUSED = Message(
    "protocol.token-refused",
    "the server refused the OAuth2 access token (status {status}); "
    "it may have expired or been revoked",
)
TOKEN_REFUSED_SCOPE = Message(
    "protocol.token-refused-scope",
    "the server refused the OAuth2 access token (status {status}; it asks for the scope "
    "{scope}); it may have expired or been revoked",
)
UNKNOWN_STATUS = Message("protocol.unknown-status", "unknown")
UNKNOWN_MECHANISM = Message("protocol.unknown-mechanism", "unknown SASL mechanism {mechanism}")
KERBEROS_V4_OBSOLETE = Message(
    "protocol.kerberos-v4-obsolete",
    "KERBEROS_V4 is obsolete: Kerberos 4 is gone (MIT Kerberos removed it in 1.8); its "
    "successor is GSSAPI (Kerberos 5), which popgui uses with your ticket: choose auth gssapi "
    "(popgui account add --auth gssapi) if the server offers it",
)
DIGEST_MD5_OBSOLETE = Message(
    "protocol.digest-md5-obsolete", "DIGEST-MD5 is obsolete (RFC 6331); SCRAM replaces it"
)
# The {what} of the SASL sentences: a value popgui sends or a message the server sent.
THE_VALUE = Message("protocol.the-value", "the value")
THE_ACCESS_TOKEN = Message("protocol.the-access-token", "the access token")
THE_AUTHZID = Message("protocol.the-authzid", "the authzid")
THE_HOST_NAME = Message("protocol.the-host-name", "the host name")
THE_USER = Message("protocol.the-user", "the user")
THE_SERVER_FIRST = Message("protocol.the-server-first", "the SCRAM server-first message")
THE_SERVER_FINAL = Message("protocol.the-server-final", "the SCRAM server-final message")
THE_SALT = Message("protocol.the-salt", "the SCRAM salt")
THE_SERVER_SIGNATURE = Message("protocol.the-server-signature", "the SCRAM server signature")
# The {wanted} of POP2_UNEXPECTED, unless it is a reply sign (+, #, =).
NOTHING_EXPECTED = Message("protocol.nothing-expected", "nothing")
GREETING_EXPECTED = Message("protocol.greeting-expected", "greeting")
DATA_EXPECTED = Message("protocol.data-expected", "message data")
