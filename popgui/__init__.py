"""popgui: a desktop mail downloader for POP3 and POP2."""

__version__ = "0.1.0"
