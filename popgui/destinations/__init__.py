"""Where an account's mail goes when it is not the account's Maildir: an IMAP mailbox, an
LMTP server, a program (MDA) or an mbox file. One small interface (:mod:`.base`), one module
per kind; the engine's side is popgui/sync/forwarding.py. docs/destinations.md is the
person's guide."""
