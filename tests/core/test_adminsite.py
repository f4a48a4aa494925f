"""Django's admin (portal/core/adminsite.py, routed in portal/urls.py): off unless
DJANGO_ADMIN=1, and signed in to only through the portal's login page, so its login is
no unthrottled, unaudited password oracle for superusers."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
ADMIN = "/django-admin/"
ADMIN_LOGIN = "/django-admin/login/"
LOGIN = reverse("accounts:login")


def reload_urlconf() -> None:
    """The URLconf reads DJANGO_ADMIN when imported: import it again."""
    clear_url_caches()
    importlib.reload(sys.modules[settings.ROOT_URLCONF])


@pytest.fixture
def django_admin():
    with override_settings(DJANGO_ADMIN=True):
        reload_urlconf()
        yield
    reload_urlconf()


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@zweiarts.test", TEST_PASSWORD)


def test_it_is_off_by_default(client, superuser):
    assert settings.DJANGO_ADMIN is False
    assert client.get(ADMIN).status_code == 404
    assert client.get(ADMIN_LOGIN).status_code == 404
    client.force_login(superuser)
    assert client.get(ADMIN).status_code == 404


def test_its_login_page_leads_to_the_portal_login_and_back(client, django_admin, superuser):
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain == [
        (f"{ADMIN_LOGIN}?next={ADMIN}", 302),
        (f"{LOGIN}?next={ADMIN}", 302),
    ]
    signed_in = client.post(
        f"{LOGIN}?next={ADMIN}",
        {"email": superuser.email, "password": TEST_PASSWORD, "next": ADMIN},
    )
    assert signed_in["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, actor=superuser).exists()


def test_its_login_never_checks_a_password(client, django_admin, superuser):
    response = client.post(
        ADMIN_LOGIN, {"username": superuser.email, "password": TEST_PASSWORD, "next": ADMIN}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={ADMIN}"
    assert "_auth_user_id" not in client.session


def test_it_leads_back_into_the_admin_only(client, django_admin):
    response = client.get(f"{ADMIN_LOGIN}?next=https://evil.example/")
    assert response["Location"] == f"{LOGIN}?next={ADMIN}"


def test_guessing_a_superuser_password_is_throttled_and_audited(client, django_admin, superuser):
    login_page = client.get(ADMIN_LOGIN)["Location"]
    for attempt in range(30):
        client.post(login_page, {"email": superuser.email, "password": f"guess-{attempt}"})
    right = client.post(login_page, {"email": superuser.email, "password": TEST_PASSWORD})
    assert right.status_code == 200  # the form again, with the throttling message
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN)["Location"].startswith(ADMIN_LOGIN)
    failures = AuditEntry.objects.filter(
        action=AuditEntry.Action.LOGIN_FAILED, actor_email=superuser.email
    )
    assert failures.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists()


def test_staff_who_are_not_superusers_get_404(client, django_admin, admin_user):
    client.force_login(admin_user)
    assert client.get(ADMIN).status_code == 302  # the admin's own check sends them to its login
    assert client.get(ADMIN_LOGIN).status_code == 404
