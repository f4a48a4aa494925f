"""Two-step verification (portal/accounts/two_factor.py and two_factor_views.py): turning
it on in Minha conta with a real authenticator code, the second step of signing in (codes
used once, recovery codes, throttling, nothing reachable in between), turning it off,
STAFF_REQUIRE_2FA, and what is kept in the database.

Codes are computed here with pyotp from the secret the page shows, on a frozen clock.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import RecoveryCode, TwoFactor
from portal.accounts.services import password_reset_complete
from portal.audit.models import AuditEntry
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
SECOND_STEP = reverse("accounts:second_step")
ACCOUNT = reverse("accounts:account")
ENABLE = reverse("accounts:two_factor_enable")
CODES = reverse("accounts:recovery_codes")
# A step boundary (a multiple of 30 s), so "the step before" is exactly 30 s earlier.
START = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)
STEP = timedelta(seconds=30)


def code_at(secret: str, when: datetime) -> str:
    return pyotp.TOTP(secret).at(when)


def enrol(client, user, clock_time=START):
    """Turn it on the way a person does, through the pages; returns (secret, codes)."""
    client.force_login(user)
    page = client.get(ENABLE).content.decode()
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7]+)<', page).group(1)
    response = client.post(ENABLE, {"code": code_at(secret, clock_time)})
    assert response.status_code == 302
    assert response["Location"] == CODES
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", client.get(CODES).text)
    client.get(ACCOUNT)  # done with the codes
    client.post(reverse("accounts:logout"))
    return secret, codes


def password_step(client, user, next_url="", **extra):
    data = {"email": user.email, "password": TEST_PASSWORD, "next": next_url}
    return client.post(LOGIN, data, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


# --- Turning it on


def test_enrolment_shows_a_qr_code_and_the_secret_and_confirms_with_a_real_code(
    client, contact_a, clock
):
    client.force_login(contact_a)
    account = client.get(ACCOUNT).content.decode()
    assert "Ativar verificação em duas etapas" in account
    page = client.get(ENABLE).content.decode()
    assert "<svg" in page and "qr-code" in page  # drawn on the server, inline
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7]+)<', page).group(1)
    # Reloading keeps the secret the app may already have scanned.
    assert secret in client.get(ENABLE).content.decode()
    assert not contact_a.has_two_factor

    response = client.post(ENABLE, {"code": code_at(secret, START)}, follow=True)

    body = response.content.decode()
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", body)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Baixar como .txt" in body
    download = client.get(reverse("accounts:recovery_codes_download"))
    assert download["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert all(code in download.content.decode() for code in codes)
    # Shown once: back in Minha conta, they are gone from the session and the pages.
    account = client.get(ACCOUNT).content.decode()
    assert "10 códigos de recuperação restantes" in account
    assert client.get(CODES)["Location"] == ACCOUNT
    assert client.get(reverse("accounts:recovery_codes_download"))["Location"] == ACCOUNT
    assert secret not in client.get(ENABLE, follow=True).content.decode()
    device = TwoFactor.objects.get(user=contact_a)
    assert device.confirmed_at == START
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS_CHANGED).get()
    assert entry.detail == {"two_factor": "on"} and entry.actor == contact_a


def test_a_wrong_code_does_not_turn_it_on_and_says_so_next_to_the_field(client, contact_a, clock):
    client.force_login(contact_a)
    page = client.get(ENABLE).content.decode()
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7]+)<', page).group(1)
    wrong = code_at(secret, START + timedelta(minutes=5))
    response = client.post(ENABLE, {"code": wrong})
    assert response.status_code == 200
    assert '<ul class="errors" id="id_code_error">' in response.content.decode()
    assert "Este código não é válido" in response.content.decode()
    assert not TwoFactor.objects.get(user=contact_a).confirmed_at
    assert not RecoveryCode.objects.exists()


def test_secrets_and_recovery_codes_are_not_stored_in_clear(client, contact_a, clock):
    secret, codes = enrol(client, contact_a)
    device = TwoFactor.objects.get(user=contact_a)
    assert secret not in device.secret
    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert all(code not in value and code.replace("-", "") not in value for value in stored)
    with connection.cursor() as cursor:  # nor anywhere in the two tables' rows
        cursor.execute("SELECT secret FROM accounts_twofactor")
        assert secret not in cursor.fetchone()[0]


# --- The second step


def test_signing_in_asks_for_the_code_and_goes_on_to_next(client, contact_a, clock):
    secret, _codes = enrol(client, contact_a)
    target = reverse("notifications:preferences")
    response = password_step(client, contact_a, next_url=target)
    assert response["Location"] == SECOND_STEP
    assert not signed_in(client)
    page = client.get(SECOND_STEP).content.decode()
    assert "Código de verificação" in page

    clock.shift(STEP)
    response = client.post(SECOND_STEP, {"code": code_at(secret, START + STEP)})

    assert response.status_code == 302 and response["Location"] == target
    assert client.session["_auth_user_id"] == str(contact_a.pk)
    login = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).get()
    assert login.detail == {"second_step": "totp"}


def test_the_second_step_cannot_be_skipped_by_going_elsewhere(client, contact_a, clock):
    enrol(client, contact_a)
    password_step(client, contact_a)
    for url in (reverse("core:home"), ACCOUNT, ENABLE, reverse("notifications:preferences")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url
    assert not signed_in(client)
    # The login page itself starts over: the password again, then the code again.
    assert client.get(LOGIN).status_code == 200
    assert not signed_in(client)


def test_a_code_is_accepted_once(client, contact_a, clock):
    secret, _codes = enrol(client, contact_a)  # START's code is spent by the enrolment
    password_step(client, contact_a)
    assert (
        "Este código não é válido"
        in client.post(SECOND_STEP, {"code": code_at(secret, START)}).content.decode()
    )
    later = START + STEP
    assert client.post(SECOND_STEP, {"code": code_at(secret, later)}).status_code == 302
    client.post(reverse("accounts:logout"))

    password_step(client, contact_a)
    replay = client.post(SECOND_STEP, {"code": code_at(secret, later)})
    assert replay.status_code == 200 and not signed_in(client)
    failed = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED)
    assert list(failed.values_list("detail", flat=True)) == [{"reason": "second_step"}] * 2


def test_the_steps_beside_the_current_one_count_and_no_further(client, contact_a, clock):
    secret, _codes = enrol(client, contact_a)
    clock.shift(STEP * 10)
    now = START + STEP * 10
    password_step(client, contact_a)
    assert client.post(SECOND_STEP, {"code": code_at(secret, now - 2 * STEP)}).status_code == 200
    assert client.post(SECOND_STEP, {"code": code_at(secret, now + 2 * STEP)}).status_code == 200
    assert client.post(SECOND_STEP, {"code": code_at(secret, now - STEP)}).status_code == 302
    client.post(reverse("accounts:logout"))
    password_step(client, contact_a)
    assert client.post(SECOND_STEP, {"code": code_at(secret, now + STEP)}).status_code == 302


def test_a_recovery_code_works_once(client, contact_a, clock):
    _secret, codes = enrol(client, contact_a)
    password_step(client, contact_a)
    response = client.post(SECOND_STEP, {"code": codes[3].upper()}, follow=True)
    assert signed_in(client)
    assert "Você usou um código de recuperação" in response.content.decode()
    used = AuditEntry.objects.filter(detail__two_factor="recovery_code_used").get()
    assert used.detail["recovery_codes_left"] == 9
    client.post(reverse("accounts:logout"))

    password_step(client, contact_a)
    assert client.post(SECOND_STEP, {"code": codes[3]}).status_code == 200
    assert not signed_in(client)
    assert client.post(SECOND_STEP, {"code": codes[4]}).status_code == 302


def test_wrong_codes_are_throttled_per_address_and_per_account(client, contact_a, settings, clock):
    settings.LOGIN_FAILURES_PER_ADDRESS, settings.LOGIN_DELAY_BASE_SECONDS = 3, 60
    secret, _codes = enrol(client, contact_a)
    attacker = {"REMOTE_ADDR": "203.0.113.66"}
    password_step(client, contact_a, **attacker)
    for guess in ("000000", "111111", "222222"):
        client.post(SECOND_STEP, {"code": guess}, **attacker)
    clock.shift(STEP)
    right = code_at(secret, START + STEP)
    refused = client.post(SECOND_STEP, {"code": right}, **attacker).content.decode()
    assert "Muitas tentativas sem sucesso" in refused and "aguarde 1 minuto" in refused
    assert not signed_in(client)
    # From another address, the account's own counter still holds it back.
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    password_step(client, contact_a, **elsewhere)
    refused = client.post(SECOND_STEP, {"code": right}, **elsewhere).content.decode()
    assert "Muitas tentativas sem sucesso" in refused

    clock.shift(timedelta(seconds=61))
    password_step(client, contact_a, **elsewhere)
    later = code_at(secret, START + STEP + timedelta(seconds=61))
    assert client.post(SECOND_STEP, {"code": later}, **elsewhere).status_code == 302


def test_the_wait_for_the_code_runs_out(client, contact_a, clock):
    secret, _codes = enrol(client, contact_a)
    password_step(client, contact_a)
    clock.shift(timedelta(minutes=5, seconds=1))
    now = START + timedelta(minutes=5, seconds=1)
    response = client.post(SECOND_STEP, {"code": code_at(secret, now)})
    assert response["Location"] == LOGIN
    assert not signed_in(client)


def test_the_language_chosen_before_signing_in_is_kept_through_the_second_step(
    client, contact_a, clock
):
    secret, _codes = enrol(client, contact_a)
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    password_step(client, contact_a)
    assert "Verification code" in client.get(SECOND_STEP).content.decode()
    clock.shift(STEP)
    client.post(SECOND_STEP, {"code": code_at(secret, START + STEP)})
    contact_a.refresh_from_db()
    assert contact_a.language == "en"
    assert client.get(ACCOUNT)["Content-Language"] == "en"


def test_a_password_reset_does_not_skip_the_second_step(client, contact_a, clock):
    enrol(client, contact_a)
    contact_a.refresh_from_db()
    assert password_reset_complete(user=contact_a, password="outra-senha-bem-longa-42")
    response = client.post(
        LOGIN, {"email": contact_a.email, "password": "outra-senha-bem-longa-42"}
    )
    assert response["Location"] == SECOND_STEP
    assert not signed_in(client)


def test_a_password_changed_meanwhile_voids_the_second_step(client, contact_a, clock):
    secret, _codes = enrol(client, contact_a)
    password_step(client, contact_a)
    contact_a.refresh_from_db()
    password_reset_complete(user=contact_a, password="outra-senha-bem-longa-42")
    clock.shift(STEP)
    response = client.post(SECOND_STEP, {"code": code_at(secret, START + STEP)})
    assert response["Location"] == LOGIN and not signed_in(client)


# --- Turning it off, new codes


def test_turning_it_off_needs_the_password_and_a_code(client, contact_a, clock):
    secret, _codes = enrol(client, contact_a)
    client.force_login(contact_a)
    off = reverse("accounts:two_factor_disable")
    clock.shift(STEP)
    code = code_at(secret, START + STEP)
    response = client.post(off, {"off-password": "wrong", "off-code": code})
    assert response.status_code == 400
    assert '<ul class="errors" id="id_off-password_error">' in response.content.decode()
    response = client.post(off, {"off-password": TEST_PASSWORD, "off-code": "123456"})
    assert response.status_code == 400
    assert '<ul class="errors" id="id_off-code_error">' in response.content.decode()
    assert TwoFactor.objects.filter(user=contact_a).exists()

    response = client.post(off, {"off-password": TEST_PASSWORD, "off-code": code})

    assert response["Location"] == ACCOUNT
    assert not TwoFactor.objects.filter(user=contact_a).exists()
    assert not RecoveryCode.objects.filter(user=contact_a).exists()
    assert AuditEntry.objects.filter(detail__two_factor="off").exists()
    client.post(reverse("accounts:logout"))
    assert password_step(client, contact_a)["Location"] == reverse("core:home")


def test_new_recovery_codes_replace_the_old_ones(client, contact_a, clock):
    secret, old = enrol(client, contact_a)
    client.force_login(contact_a)
    clock.shift(STEP)
    response = client.post(
        reverse("accounts:recovery_codes_regenerate"),
        {"codes-code": code_at(secret, START + STEP)},
        follow=True,
    )
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.text)
    assert len(new) == 10 and not set(new) & set(old)
    client.post(reverse("accounts:logout"))
    password_step(client, contact_a)
    assert client.post(SECOND_STEP, {"code": old[0]}).status_code == 200
    assert client.post(SECOND_STEP, {"code": new[0]}).status_code == 302


# --- STAFF_REQUIRE_2FA


def test_staff_reach_nothing_but_enrolment_until_it_is_on(client, agent, settings, clock):
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(agent)
    for url in (reverse("workspace:queue"), reverse("core:home"), reverse("settings:team")):
        assert client.get(url)["Location"] == ENABLE, url
    assert client.get(ACCOUNT).status_code == 200
    page = client.get(ENABLE).content.decode()
    assert "A agência pede que cada membro da equipe ative a verificação" in page
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7]+)<', page).group(1)
    client.post(ENABLE, {"code": code_at(secret, START)})
    assert client.get(CODES).status_code == 200
    assert client.get(reverse("workspace:queue")).status_code == 200


def test_the_setting_leaves_clients_alone_and_is_off_by_default(client, agent, contact_a, settings):
    client.force_login(agent)
    assert client.get(reverse("workspace:queue")).status_code == 200
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(contact_a)
    assert client.get(reverse("core:home")).status_code in (200, 302)
    assert client.get(reverse("core:home")).get("Location") != ENABLE


# --- An admin's reset


def test_an_admin_resets_a_colleagues_two_step_verification(client, agent, admin_user, clock):
    enrol(client, agent)
    url = reverse("settings:team_reset_two_factor", args=[agent.pk])
    client.force_login(agent)
    assert client.post(url).status_code == 404  # agents: no admin URL
    assert TwoFactor.objects.filter(user=agent).exists()
    client.force_login(admin_user)
    assert "Redefinir verificação em duas etapas" in client.get(reverse("settings:team")).text
    assert client.post(url)["Location"] == reverse("settings:team")
    assert not TwoFactor.objects.filter(user=agent).exists()
    assert AuditEntry.objects.filter(detail__two_factor="reset", actor=admin_user).exists()


# --- Query budgets


def test_the_pages_make_a_fixed_number_of_queries(client, contact_a, john, clock):
    enrol(client, contact_a)
    password_step(client, contact_a)
    with CaptureQueriesContext(connection) as second_step_page:
        assert client.get(SECOND_STEP).status_code == 200
    # The session, the user waiting for the step.
    assert len(second_step_page) == 2
    client.force_login(contact_a)
    with CaptureQueriesContext(connection) as account_page:
        assert client.get(ACCOUNT).status_code == 200
    # The session, the user (with the TwoFactor row), the recovery codes left, the bell.
    assert len(account_page) == 4
    client.force_login(john)
    client.get(ENABLE)
    with CaptureQueriesContext(connection) as enable_page:
        assert client.get(ENABLE).status_code == 200
    # The session, the user, the TwoFactor row being enrolled (locked, between a savepoint
    # and its release), the bell.
    assert len(enable_page) == 6, [q["sql"][:60] for q in enable_page.captured_queries]
