"""Two-step verification in a real browser: turned on in Minha conta (the secret read from
the page, the code computed as an authenticator app would), then signing out and in again
with the password and a code."""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import expect

from portal.accounts.models import TwoFactor
from tests.e2e.helpers import log_in, page_problems
from tests.support.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_client_turns_it_on_and_signs_in_with_a_code(page, contact_a):
    log_in(page, contact_a.email)
    page.get_by_role("link", name="Minha conta").click()
    page.get_by_role("link", name="Ativar verificação em duas etapas").click()
    expect(page.get_by_role("heading", name="Ativar verificação em duas etapas")).to_be_visible()
    expect(page.locator(".qr-code-box svg")).to_be_visible()
    assert not page_problems(page), page_problems(page)
    secret = page.get_by_test_id("two-factor-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)

    page.get_by_label("Código mostrado pelo aplicativo").fill("000000")
    page.get_by_role("button", name="Ativar").click()
    expect(page.get_by_text("Este código não é válido").first).to_be_visible()
    page.get_by_label("Código mostrado pelo aplicativo").fill(totp.now())
    page.get_by_role("button", name="Ativar").click()

    expect(page.get_by_role("heading", name="Códigos de recuperação")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Baixar como .txt").click()
    assert codes[0] in download.value.path().read_text()
    page.get_by_role("link", name="Já guardei").click()
    expect(page.get_by_text("10 códigos de recuperação restantes.")).to_be_visible()
    assert TwoFactor.objects.get(user=contact_a).confirmed_at is not None

    page.get_by_role("button", name="Sair").click()
    page.get_by_label("E-mail").fill(contact_a.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", name="Código de verificação")).to_be_visible()
    assert not page_problems(page), page_problems(page)
    # The next step's code: the one shown now went to the enrolment, and is spent.
    page.get_by_label("Código de verificação").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Verificar").click()
    expect(page.get_by_role("button", name="Sair")).to_be_visible()
