"""The account pages (portal/accounts/views.py): signing in and out, a forgotten password,
and one's own account (details and password).

What the middlewares do to every page (language, a password to choose first) is in
test_middleware.py.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import password_validation
from django.db import connection, connections
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.accounts import forms
from portal.accounts.models import LoginAttempt, User
from portal.accounts.tasks import send_password_link
from portal.audit.models import AuditEntry
from portal.notifications.models import OutboundEmail
from tests.support.factories import TEST_PASSWORD, ContactFactory, legacy_invited_contact

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
RESET = reverse("accounts:password_reset")
ACCOUNT = reverse("accounts:account")
PASSWORD = reverse("accounts:account_password")


# --- Signing in and out


def post_login(client, email, password=TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


def test_it_shows_the_guide_wording_with_the_agency_name_from_settings(client, settings):
    body = client.get(LOGIN).content.decode()
    assert "Bem-vindo/a ao CRM da Zwei Arts!" in body
    assert "Para acessar, insira seu e-mail e sua senha." in body
    assert ">E-mail" in body and ">Senha" in body
    assert "Esqueceu a Senha?" in body
    settings.AGENCY_NAME = "Agência Exemplo"
    assert "Bem-vindo/a ao CRM da Agência Exemplo!" in client.get(LOGIN).content.decode()


def test_it_logs_in_with_the_email_in_any_case(client, contact_a):
    response = post_login(client, "  ANA@Acme.TEST ")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(contact_a.pk)


def test_it_rotates_the_session_key_at_login(client, contact_a):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    post_login(client, contact_a.email)
    assert client.session.session_key != before


def test_it_says_the_same_for_a_wrong_password_and_an_unknown_email(client, contact_a):
    wrong = post_login(client, contact_a.email, "not-the-password").content.decode()
    unknown = post_login(client, "nobody@acme.test", "not-the-password").content.decode()
    message = "E-mail ou senha incorretos. Confira e tente novamente."
    assert message in wrong and message in unknown


def test_it_refuses_a_deactivated_contact(client, contact_a):
    contact_a.is_active = False
    contact_a.save()
    response = post_login(client, contact_a.email)
    assert response.status_code == 200
    assert "Este acesso foi desativado" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_shows_field_errors_next_to_the_fields(client):
    response = client.post(LOGIN, {"email": "not-an-email", "password": ""})
    body = response.content.decode()
    assert "Informe um endereço de email válido." in body
    assert "Este campo é obrigatório." in body


def test_failures_from_one_address_never_lock_the_account_from_another(client, contact_a):
    for _ in range(12):  # someone failing on purpose, to keep Ana out
        post_login(client, contact_a.email, "wrong", REMOTE_ADDR="203.0.113.66")
    blocked = post_login(client, contact_a.email, REMOTE_ADDR="203.0.113.66")
    assert "Muitas tentativas sem sucesso" in blocked.content.decode()
    response = post_login(client, contact_a.email, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(contact_a.pk)


def test_the_wait_doubles_with_each_failure_beyond_the_limit(client, contact_a, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS, settings.LOGIN_DELAY_BASE_SECONDS = 3, 60
    attacker = {"REMOTE_ADDR": "203.0.113.66"}
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            assert (
                "E-mail ou senha incorretos"
                in post_login(client, contact_a.email, "wrong", **attacker).content.decode()
            )
        refused = post_login(client, contact_a.email, **attacker)  # even the right password
        assert "Muitas tentativas sem sucesso" in refused.content.decode()
        assert "aguarde 1 minuto e tente" in refused.content.decode()
        assert "_auth_user_id" not in client.session
        clock.shift(timedelta(seconds=61))
        post_login(client, contact_a.email, "wrong", **attacker)  # one more try, failed
        refused = post_login(client, contact_a.email, **attacker).content.decode()
        assert "aguarde 2 minutos e tente" in refused
        clock.shift(timedelta(seconds=121))
        assert post_login(client, contact_a.email, **attacker).status_code == 302


def test_an_address_starts_afresh_after_a_quiet_while(client, contact_a, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for _ in range(3):
        post_login(client, contact_a.email, "wrong", REMOTE_ADDR="203.0.113.8")
    later = timezone.now() + timedelta(seconds=30, minutes=15, milliseconds=500)
    with time_machine.travel(later):
        for _ in range(2):
            post_login(client, contact_a.email, "wrong", REMOTE_ADDR="203.0.113.8")
        assert post_login(client, contact_a.email, REMOTE_ADDR="203.0.113.8").status_code == 302


def test_right_passwords_do_not_use_up_an_address(client, contact_a, john, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    office = {"REMOTE_ADDR": "198.51.100.20"}  # one address for the whole office
    for _ in range(5):
        assert post_login(Client(), contact_a.email, **office).status_code == 302
    post_login(client, john.email, "typo", **office)
    assert post_login(Client(), john.email, **office).status_code == 302


def test_an_ipv6_client_is_counted_by_its_slash_64(client, contact_a, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 2
    post_login(client, contact_a.email, "wrong", REMOTE_ADDR="2001:db8:1:2::1")
    post_login(client, contact_a.email, "wrong", REMOTE_ADDR="2001:db8:1:2::ffff")
    same_64 = post_login(client, contact_a.email, REMOTE_ADDR="2001:db8:1:2:aaaa::3")
    assert "Muitas tentativas sem sucesso" in same_64.content.decode()
    assert post_login(client, contact_a.email, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_wrong_logins_get_no_more_password_checks_than_the_limit(
    contact_a, settings, monkeypatch
):
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    checks, lock = [], threading.Lock()
    real_authenticate = forms.authenticate

    def counting_authenticate(*args, **kwargs):
        with lock:
            checks.append(kwargs["email"])
        return real_authenticate(*args, **kwargs)

    monkeypatch.setattr(forms, "authenticate", counting_authenticate)
    barrier, answers = threading.Barrier(20), []

    def guess(n: int) -> None:
        try:
            barrier.wait()
            response = post_login(
                Client(), contact_a.email, f"guess-{n}", REMOTE_ADDR="203.0.113.7"
            )
            answers.append(response.content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=[n]) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 20
    assert 1 <= len(checks) <= 5
    refused = [a for a in answers if "Muitas tentativas sem sucesso" in a]
    assert len(refused) == 20 - len(checks)
    assert LoginAttempt.objects.count() == len(checks)


@pytest.mark.django_db(transaction=True)
def test_an_office_signing_in_together_is_never_slowed_down(company_a, settings):
    """Twenty people behind one address, right passwords, at the same moment."""
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    people = [ContactFactory(company=company_a, email=f"pessoa{n}@acme.test") for n in range(20)]
    barrier, statuses = threading.Barrier(20), []

    def sign_in(email: str) -> None:
        try:
            barrier.wait()
            statuses.append(post_login(Client(), email, REMOTE_ADDR="203.0.113.8").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_in, args=[p.email]) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 20


def test_it_blocks_an_address_after_repeated_failures(client, contact_a, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    for n in range(4):
        post_login(client, f"guess{n}@acme.test", "wrong", REMOTE_ADDR="203.0.113.9")
    blocked = post_login(client, contact_a.email, REMOTE_ADDR="203.0.113.9")
    assert "Muitas tentativas sem sucesso" in blocked.content.decode()
    assert post_login(client, contact_a.email, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_it_records_every_attempt(client, contact_a):
    post_login(client, contact_a.email, "wrong", REMOTE_ADDR="203.0.113.5")
    post_login(client, contact_a.email, REMOTE_ADDR="203.0.113.5")
    attempts = list(LoginAttempt.objects.order_by("pk").values_list("succeeded", "ip_address"))
    assert attempts == [(False, "203.0.113.5"), (True, "203.0.113.5")]


def test_it_ignores_a_next_that_leaves_the_site(client, contact_a):
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"email": contact_a.email, "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_it_follows_a_local_next(client, contact_a):
    account = reverse("accounts:account")
    response = client.post(
        LOGIN, {"email": contact_a.email, "password": TEST_PASSWORD, "next": account}
    )
    assert response["Location"] == account


def test_it_logs_out_with_a_post(client, contact_a):
    client.force_login(contact_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_temporary_password_from_before_expires_after_72_hours(client, company_a):
    password = "Temporaria-K7p2"
    legacy_invited_contact(company_a, password=password)
    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1)):
        response = client.post(
            reverse("accounts:login"), {"email": "novo@acme.test", "password": password}
        )
    assert "Sua senha temporária expirou" in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- A forgotten password


def reset_link(message) -> str:
    return re.search(r"https://portal\.example(/redefinir-senha/\S+/)", message.body).group(1)


def without_csrf(content: bytes) -> bytes:
    """The page without what differs on every response: CSRF tokens and CSP nonces."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb'nonce="[^"]+"', b"", content)


def test_it_answers_the_same_whether_the_email_exists_or_not(client, contact_a, outbox):
    known = client.post(RESET, {"email": contact_a.email}, follow=True)
    unknown = client.post(RESET, {"email": "ninguem@acme.test"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf(known.content) == without_csrf(unknown.content)
    assert [m.to for m in outbox] == [[contact_a.email]]


def test_the_link_uses_the_configured_address_not_the_host_header(
    client, contact_a, outbox, settings
):
    settings.ALLOWED_HOSTS = ["*"]  # even behind a proxy that passes any Host through
    client.post(RESET, {"email": contact_a.email}, HTTP_HOST="evil.example")
    assert "evil.example" not in outbox[0].body
    assert "https://portal.example/redefinir-senha/" in outbox[0].body


def test_the_link_sets_a_new_password_once(client, contact_a, outbox):
    client.post(RESET, {"email": contact_a.email})
    link = reset_link(outbox[0])
    form_url = client.get(link)["Location"]
    new = {"new_password1": "Outra-senha-forte-9", "new_password2": "Outra-senha-forte-9"}
    response = client.post(form_url, new)
    assert response["Location"] == reverse("accounts:login")
    contact_a.refresh_from_db()
    assert contact_a.check_password("Outra-senha-forte-9")
    again = client.get(link, follow=True)
    assert "Este link não funciona mais" in again.content.decode()


def test_the_link_expires(client, contact_a, outbox, settings):
    client.post(RESET, {"email": contact_a.email})
    link = reset_link(outbox[0])
    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        response = client.get(link, follow=True)
    assert "Este link não funciona mais" in response.content.decode()


def test_mismatched_passwords_are_shown_next_to_the_field(client, contact_a, outbox):
    client.post(RESET, {"email": contact_a.email})
    form_url = client.get(reset_link(outbox[0]))["Location"]
    response = client.post(
        form_url, {"new_password1": "Outra-senha-forte-9", "new_password2": "diferente-123"}
    )
    assert "Os dois campos de senha não correspondem." in response.content.decode()
    contact_a.refresh_from_db()
    assert not contact_a.check_password("Outra-senha-forte-9")


def test_it_also_frees_an_invited_user_from_the_temporary_password(client, contact_a, outbox):
    contact_a.must_change_password = True
    contact_a.save()
    client.post(RESET, {"email": contact_a.email})
    form_url = client.get(reset_link(outbox[0]))["Location"]
    client.post(form_url, {"new_password1": "Nova-senha-77x", "new_password2": "Nova-senha-77x"})
    contact_a.refresh_from_db()
    assert not contact_a.must_change_password


def test_an_inactive_user_gets_no_link(client, contact_a, outbox):
    contact_a.is_active = False
    contact_a.save()
    client.post(RESET, {"email": contact_a.email})
    assert outbox == []


def test_a_contact_of_a_deactivated_company_gets_no_link(client, contact_a, outbox):
    contact_a.company.is_active = False
    contact_a.company.save()
    client.post(RESET, {"email": contact_a.email})
    assert outbox == []


def test_ten_requests_for_one_address_send_at_most_three_links(client, contact_a, outbox):
    pages = [client.post(RESET, {"email": contact_a.email}, follow=True) for _ in range(10)]
    assert len(outbox) == 3
    # Silently: the tenth answer is the first one.
    assert without_csrf(pages[9].content) == without_csrf(pages[0].content)
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        client.post(RESET, {"email": contact_a.email})
    assert len(outbox) == 4


def test_one_address_asking_for_many_emails_is_limited_silently(
    client, contact_a, outbox, settings
):
    settings.PASSWORD_RESET_REQUESTS_PER_SOURCE = 4
    source = {"REMOTE_ADDR": "203.0.113.50"}
    for n in range(6):
        client.post(RESET, {"email": f"alguem{n}@acme.test"}, **source)
    refused = client.post(RESET, {"email": contact_a.email}, **source, follow=True)
    assert refused.redirect_chain == [(reverse("accounts:password_reset_sent"), 302)]
    assert outbox == []
    client.post(RESET, {"email": contact_a.email}, REMOTE_ADDR="198.51.100.50")
    assert [m.to for m in outbox] == [[contact_a.email]]


def test_known_and_unknown_addresses_do_the_same_work(contact_a, settings):
    """The page does not look the address up: it counts the request and queues one task,
    which decides in the worker. Same queries, same task, whether the address exists."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def shapes(email: str, source: str) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = Client().post(RESET, {"email": email}, REMOTE_ADDR=source)
        assert response["Location"] == reverse("accounts:password_reset_sent")
        # The statements without their values (e-mails, addresses, times, ids, savepoints).
        values = r"'[^']*'|\"s\d+_x\d+\"|\b\d+(\.\d+)?\b"
        return [re.sub(values, "?", query["sql"]) for query in queries]

    known = shapes(contact_a.email, "203.0.113.1")
    unknown = shapes("ninguem@acme.test", "203.0.113.2")
    assert known == unknown
    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert [(t.task_path, t.args_kwargs["args"]) for t in tasks] == [
        (send_password_link.module_path, [contact_a.email]),
        (send_password_link.module_path, ["ninguem@acme.test"]),
    ]
    assert not OutboundEmail.objects.exists()
    # The worker then sends to the account only.
    assert send_password_link.call(contact_a.email) is True
    assert send_password_link.call("ninguem@acme.test") is False
    assert list(OutboundEmail.objects.values_list("to_address", flat=True)) == [contact_a.email]


@pytest.mark.django_db(transaction=True)
def test_one_link_used_twice_at_the_same_moment_sets_one_password(contact_a, outbox, monkeypatch):
    Client().post(RESET, {"email": contact_a.email})
    link = reset_link(outbox[0])
    first, second = Client(), Client()
    form_url = first.get(link)["Location"]
    assert second.get(link)["Location"] == form_url
    # Both requests have checked the link before either saves: the race, made certain.
    both_checked = threading.Barrier(2, timeout=10)
    validate = password_validation.validate_password

    def validate_then_wait(password, user=None, password_validators=None):
        validate(password, user, password_validators)
        both_checked.wait()

    monkeypatch.setattr(password_validation, "validate_password", validate_then_wait)
    answers: dict[str, HttpResponse] = {}

    def choose(browser: Client, password: str) -> None:
        try:
            answers[password] = browser.post(
                form_url, {"new_password1": password, "new_password2": password}
            )
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=choose, args=[first, "Primeira-escolha-81"]),
        threading.Thread(target=choose, args=[second, "Segunda-escolha-82"]),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(response.status_code for response in answers.values())
    assert statuses == [200, 302]
    [saved] = [password for password, response in answers.items() if response.status_code == 302]
    [lost] = [response for response in answers.values() if response.status_code == 200]
    assert "Este link não funciona mais" in lost.content.decode()
    contact_a.refresh_from_db()
    assert contact_a.check_password(saved)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_CHANGED).count() == 1


# --- Choosing one's password: not the temporary one, not a common one


def test_the_first_access_refuses_the_temporary_password_next_to_the_field(client, company_a):
    temporary = "Temporaria-K7p2"
    legacy_invited_contact(company_a, password=temporary)
    post_login(client, "novo@acme.test", temporary)
    required = reverse("accounts:password_change_required")
    response = client.post(required, {"new_password1": temporary, "new_password2": temporary})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["new_password1"] == [
        "Escolha uma senha sua, não a temporária que você recebeu por e-mail."
    ]
    assert "não a temporária que você recebeu" in response.content.decode()
    assert User.objects.get(email="novo@acme.test").must_change_password


@pytest.mark.parametrize(
    "password", ["senha12345", "mudar123", "brasil2026", "123mudar", "trocar123", "Flamengo@1981"]
)
def test_common_brazilian_passwords_are_refused(client, contact_a, password):
    client.force_login(contact_a)
    response = client.post(
        PASSWORD,
        {"old_password": TEST_PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 400
    assert "Esta senha é muito comum: uma palavra ou um nome conhecidos" in (
        response.content.decode()
    )
    contact_a.refresh_from_db()
    assert contact_a.check_password(TEST_PASSWORD)


# --- One's own account


def test_it_needs_a_login(client):
    assert client.get(ACCOUNT)["Location"].startswith(reverse("accounts:login"))


def test_the_account_pages_need_a_login_and_show_each_of_the_cast_only_their_own(
    client, contact_a, contact_b, agent, admin_user
):
    required = reverse("accounts:password_change_required")
    for url in (ACCOUNT, required):
        assert client.get(url)["Location"].startswith(LOGIN), url
    assert client.post(PASSWORD)["Location"].startswith(LOGIN)
    cast = [contact_a, contact_b, agent, admin_user]
    for user in cast:
        client.force_login(user)
        body = client.get(ACCOUNT).content.decode()
        assert user.email in body
        assert [other.email for other in cast if other.email in body] == [user.email]


def test_it_changes_name_and_language(client, contact_a):
    client.force_login(contact_a)
    response = client.post(ACCOUNT, {"name": "Ana Maria", "language": "en"}, follow=True)
    contact_a.refresh_from_db()
    assert contact_a.name == "Ana Maria" and contact_a.language == "en"
    assert "Your details are saved." in response.content.decode()
    assert 'lang="en"' in response.content.decode()


def test_a_blank_name_is_refused_next_to_the_field(client, contact_a):
    client.force_login(contact_a)
    response = client.post(ACCOUNT, {"name": "", "language": "pt-br"})
    assert "Este campo é obrigatório." in response.content.decode()
    contact_a.refresh_from_db()
    assert contact_a.name == "Ana Souza"


def test_it_changes_the_password_and_keeps_the_session_under_a_new_key(client, contact_a):
    client.force_login(contact_a)
    before = client.session.session_key
    response = client.post(
        PASSWORD,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Nova-senha-forte-1",
            "new_password2": "Nova-senha-forte-1",
        },
    )
    assert response.status_code == 302
    contact_a.refresh_from_db()
    assert contact_a.check_password("Nova-senha-forte-1")
    assert client.session.session_key != before
    assert client.get(ACCOUNT).status_code == 200


def test_a_wrong_current_password_changes_nothing(client, contact_a):
    client.force_login(contact_a)
    response = client.post(
        PASSWORD,
        {
            "old_password": "errada",
            "new_password1": "Nova-senha-forte-1",
            "new_password2": "Nova-senha-forte-1",
        },
    )
    assert response.status_code == 400
    assert "Sua senha atual está incorreta." in response.content.decode()
    contact_a.refresh_from_db()
    assert contact_a.check_password(TEST_PASSWORD)


def test_other_sessions_end_when_the_password_changes(client, contact_a):
    from django.test import Client

    other = Client()
    other.force_login(contact_a)
    client.force_login(contact_a)
    client.post(
        PASSWORD,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Nova-senha-forte-1",
            "new_password2": "Nova-senha-forte-1",
        },
    )
    assert other.get(ACCOUNT).status_code == 302
