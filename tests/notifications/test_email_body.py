"""What a ticket e-mail's body offers: the reply marker first, links that wrap, files that
open on the portal; and the preference to hear about all the company's requests."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.notifications.models import CompanyWideNews
from portal.notifications.templatetags.email_tags import email_text
from portal.tickets.models import Attachment
from portal.tickets.services import ticket_answer
from portal.tickets.uploads import check_files
from tests.support.factories import ContactFactory, open_ticket
from tests.support.files import pdf_upload
from tests.support.mail import text_and_html

pytestmark = pytest.mark.django_db

LONG_URL = (
    "https://drive.example.com/arquivos/" + "pasta-com-nome-muito-longo/" * 12 + "x.pdf?a=1&b=2"
)


def test_the_body_starts_with_the_reply_marker_in_text_and_html(contact_a, agent, outbox):
    ticket = open_ticket(contact_a)
    outbox.clear()
    ticket_answer(ticket=ticket, author=agent, body="Olá")
    text, html = text_and_html(outbox[0])
    assert text.splitlines()[0] == "## Responda acima desta linha ##"
    body = html[html.index("<body") :]
    first_text = body[body.index(">", body.index("<p")) + 1 :].lstrip()
    assert first_text.startswith("## Responda acima desta linha ##")


def test_urls_in_user_text_become_links_that_wrap(contact_a, agent, outbox):
    ticket = open_ticket(contact_a)
    outbox.clear()
    body = f"Veja {LONG_URL}. E <b>isto</b>: javascript:alert(1) data:text/html,x www.a.test"
    ticket_answer(ticket=ticket, author=agent, body=body)
    text, html = text_and_html(outbox[0])
    escaped_url = LONG_URL.replace("&", "&amp;")
    assert f'<a href="{escaped_url}" style="color:inherit;word-break:break-all;' in html
    assert f">{escaped_url}</a>." in html  # the full stop stays outside the link
    assert "&lt;b&gt;isto&lt;/b&gt;" in html and "<b>isto</b>" not in html
    assert 'href="javascript' not in html and 'href="data' not in html
    assert 'href="www' not in html
    # The message's cell and the content cell break long words (inline: mail clients).
    assert html.count("overflow-wrap:anywhere") >= 3
    assert LONG_URL in text


@pytest.mark.parametrize(
    ("typed", "linked"),
    [
        ("http://a.test/x", '<a href="http://a.test/x"'),
        ("(https://a.test/x)", '(<a href="https://a.test/x"'),
        ('"https://a.test/x"', '&quot;<a href="https://a.test/x"'),
        ("https://a.test/<script>", '<a href="https://a.test/"'),
        ("JAVASCRIPT://a.test", "JAVASCRIPT://a.test"),
        ("https://", "https://"),
    ],
)
def test_only_http_addresses_are_linked_after_escaping(typed, linked):
    html = str(email_text(typed))
    assert linked in html
    assert "<script>" not in html


def test_attachments_link_to_the_download_that_checks_access(contact_a, agent, outbox):
    ticket = open_ticket(contact_a)
    outbox.clear()
    ticket_answer(
        ticket=ticket, author=agent, body="Segue", files=check_files([pdf_upload("layout.pdf")])
    )
    attachment = Attachment.objects.get(original_name="layout.pdf")
    url = "https://portal.example" + reverse(
        "tickets:attachment", args=[attachment.pk, "layout.pdf"]
    )
    text, html = text_and_html(outbox[0])
    assert f'<a href="{url}"' in html and ">layout.pdf</a>" in html
    assert "- layout.pdf (" in text and f"): {url}" in text
    assert "depois que você entrar" in text


def test_the_download_of_an_emailed_link_asks_for_sign_in_and_checks_access(
    client, contact_a, contact_b, agent, outbox
):
    ticket = open_ticket(contact_a)
    ticket_answer(
        ticket=ticket, author=agent, body="Segue", files=check_files([pdf_upload("layout.pdf")])
    )
    attachment = Attachment.objects.get(original_name="layout.pdf")
    url = reverse("tickets:attachment", args=[attachment.pk, "layout.pdf"])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(contact_b)
    assert client.get(url).status_code == 404
    client.force_login(contact_a)
    assert client.get(url).status_code == 200


def test_a_colleague_who_never_touched_it_hears_nothing_until_she_chooses_all(
    client, contact_a, agent, outbox
):
    olga = ContactFactory(company=contact_a.company, email="olga@acme.test", name="Olga")
    ticket = open_ticket(contact_a)
    ticket_answer(ticket=ticket, author=agent, body="Versão 1")
    assert "olga@acme.test" not in [m.to[0] for m in outbox]

    client.force_login(olga)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Todas as solicitações da empresa" in page
    assert 'name="company_wide"' in page and 'name="company_wide" checked' not in page
    every = {field for field in ("request-answer", "request-status")}
    response = client.post(
        reverse("notifications:preferences"), {**dict.fromkeys(every, "on"), "company_wide": "on"}
    )
    assert response.status_code == 302
    assert CompanyWideNews.objects.filter(user=olga).exists()
    outbox.clear()
    ticket_answer(ticket=ticket, author=agent, body="Versão 2")
    assert sorted(m.to[0] for m in outbox) == ["ana@acme.test", "olga@acme.test"]

    client.post(reverse("notifications:preferences"), dict.fromkeys(every, "on"))
    assert not CompanyWideNews.objects.filter(user=olga).exists()


def test_the_team_is_not_offered_the_company_choice(client, agent):
    client.force_login(agent)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="company_wide"' not in page
    client.post(reverse("notifications:preferences"), {"company_wide": "on"})
    assert not CompanyWideNews.objects.exists()
