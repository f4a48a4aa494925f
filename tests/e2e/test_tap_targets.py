"""Tap targets on a phone: the header's links and every button are at least 24 by 24 px
(WCAG 2.2, 2.5.8), and the account link says what it is (issue 15, point 6)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.support.factories import open_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_TARGETS = """
() => [...document.querySelectorAll(
    'header a, header button, main button, main .button, .status-tabs a')]
  .filter(el => el.checkVisibility())
  .map(el => [el.outerHTML.slice(0, 100), el.getBoundingClientRect()])
  .filter(([, box]) => box.width < 24 || box.height < 24)
  .map(([html, box]) => `${Math.round(box.width)}x${Math.round(box.height)} ${html}`)
"""


def test_a_phone_gets_targets_big_enough_to_tap(phone_page, contact_a, catalog):
    ticket = open_ticket(contact_a, subject="Banner")
    log_in(phone_page, contact_a.email)
    expect(phone_page.get_by_role("link", name="Minha conta")).to_be_visible()
    small = {}
    for path in ["/atendimento/", f"/atendimento/{ticket.number}/", "/atendimento/nova/"]:
        phone_page.goto(path)
        if found := phone_page.evaluate(SMALL_TARGETS):
            small[path] = found
    assert not small, small
