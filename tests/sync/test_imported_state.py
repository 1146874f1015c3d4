"""The engine with UIDLs imported from another client (``account import-state``): they are not
downloaded, the delete policies leave them on the server, and a listing of only imported and
long-kept mail stays handled (the no-op fast path) instead of waiting for a deletion that
never comes."""

from __future__ import annotations

import pytest

from popgui.localserver import LocalPOP3Server, ServerMailbox
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.sync.engine import sync_account

from .conftest import PASSWORD, make_account


@pytest.mark.parametrize("policy", ["delete", "delete-after-days"])
def test_imported_mail_is_neither_downloaded_nor_deleted_by_policy(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, policy: str
) -> None:
    account = make_account(pop3_server, policy=policy, delete_after_days=1)
    imported, fresh = mailbox.uids()[:-2], mailbox.uids()[-2:]
    with Database(profile.database_file) as db:
        assert db.record_imported(account.name, imported, "mpop", now=0.0) == len(imported)

    result = sync_account(account, PASSWORD, profile)
    assert result.error is None
    assert result.downloaded == 2
    assert result.deleted == (2 if policy == "delete" else 0)
    assert set(mailbox.uids()) == set(imported) | (set() if policy == "delete" else set(fresh))
    with Database(profile.database_file) as db:
        stored = db.handled_listing(account.name)
    if policy == "delete-after-days":  # the two fresh ones are due in a day, not the imported
        assert stored is not None and stored[1] is not None and stored[1] > 86400
