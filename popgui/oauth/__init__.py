"""Signing in with OAuth2: the providers, the browser and device flows, and the tokens.

Modules, each with one role:

- :mod:`.errors`: the typed errors, and the plain-words explanation of a provider's error reply;
- :mod:`.providers`: Microsoft, Google and any issuer with a discovery document; the client
  ids a build carries; the endpoints of a configuration;
- :mod:`.http`: the few HTTP requests OAuth needs, over the standard library;
- :mod:`.loopback`: the one-shot receiver on ``http://127.0.0.1:PORT/`` the browser is sent back to;
- :mod:`.flows`: signing in (browser with PKCE, or device code) and refreshing;
- :mod:`.tokenstore`: the token record, kept in the system keyring only;
- :mod:`.tokens`: :func:`~.tokens.fresh_access_token`, what a sync calls.

Importing this package imports nothing else: the OAuth library (oauthlib) is loaded by
:mod:`.flows` only, so a sync of a password account never loads it.
"""
