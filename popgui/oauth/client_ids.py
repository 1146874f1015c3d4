"""popgui's own OAuth client ids, set by whoever builds popgui (empty until registered).

Packagers who registered popgui with Microsoft and Google put the ids here before building
(docs/oauth.md says how to register them). Never copy another application's registered id: a
provider may block it, and its users' consent was given to that application, not to popgui.
An account's own client id (``--oauth-client-id``) always wins over these.
"""

from __future__ import annotations

#: Microsoft Entra "public client" application id (mobile and desktop, redirect http://localhost).
MICROSOFT_CLIENT_ID = ""

#: Google Cloud "Desktop app" OAuth client. Google's desktop clients come with a "secret" that
#: Google itself says is not secret for installed apps; the token endpoint still wants it.
GOOGLE_CLIENT_ID = ""
GOOGLE_CLIENT_SECRET = ""
