"""Each person chooses which e-mails they receive (portal/notifications/preferences.py);
access and passwords always go. The page where they choose is in test_views.py."""

from __future__ import annotations

import pytest

from portal.notifications.models import EmailOptOut
from portal.notifications.preferences import preferences_save
from tests.support.mail import to

pytestmark = pytest.mark.django_db


def test_kinds_one_may_not_turn_off_are_ignored(contact_a):
    preferences_save(user=contact_a, enabled={"access"})
    assert not EmailOptOut.objects.filter(kind__in=["access", "password-reset"]).exists()


def test_access_and_password_emails_cannot_be_turned_off(client, john, outbox):
    preferences_save(user=john, enabled=set())
    client.post("/esqueceu-a-senha/", {"email": john.email})
    assert to(outbox) == ["john@acme.test"]
