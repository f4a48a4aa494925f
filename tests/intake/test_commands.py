"""manage.py revoke_reply_addresses: a person's reply addresses stop working at once."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from portal.intake.inbound import ingest_email
from portal.notifications.models import InboundEmail
from tests.support.inbound import nothing_saved, to_reply_address
from tests.support.mail import eml

pytestmark = pytest.mark.django_db


def test_revoked_reply_addresses_no_longer_take_answers(post, contact_a, john, capsys):
    hers = to_reply_address(eml("gmail-pt.eml"), contact_a, post)
    his = to_reply_address(eml("apple-mail-en.eml"), john, post)
    call_command("revoke_reply_addresses", "ANA@acme.test")
    assert "ana@acme.test" in capsys.readouterr().out
    record = ingest_email(hers, source=InboundEmail.Source.HTTP)
    assert record.reason == InboundEmail.Reason.UNAUTHENTICATED and nothing_saved(post)
    record = ingest_email(his, source=InboundEmail.Source.HTTP)
    assert record.status == InboundEmail.Status.ACCEPTED  # John's still work


def test_an_unknown_email_is_an_error(db):
    with pytest.raises(CommandError, match=r"fulano@gmail\.com"):
        call_command("revoke_reply_addresses", "fulano@gmail.com")
