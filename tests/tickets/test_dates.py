"""Issue 15, point 7: one date style, months in lower case, dd/mm/aaaa typed anywhere."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.notifications.models import OutboundEmail
from portal.tickets.models import Ticket

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1
DAY = datetime.date(NEXT_YEAR, 12, 10)


def new_request(client, catalog, deadline: str):
    return client.post(
        reverse("tickets:new"),
        {
            "subject": "Post de Natal",
            "department": catalog["department"].pk,
            "service": catalog["service"].pk,
            "priority": catalog["priority"].pk,
            "body": "Um post para o Natal.",
            "deadline": deadline,
        },
    )


@pytest.mark.parametrize("language", ["pt-br", "en"])
def test_day_month_year_opens_the_request_with_that_deadline_in_both_languages(
    client, contact_a, catalog, language
):
    contact_a.language = language
    contact_a.save()
    client.force_login(contact_a)
    assert new_request(client, catalog, f"10/12/{NEXT_YEAR}").status_code == 302
    assert Ticket.objects.get().deadline == DAY


def test_iso_dates_are_still_accepted(client, contact_a, catalog):
    client.force_login(contact_a)
    assert new_request(client, catalog, DAY.isoformat()).status_code == 302
    assert Ticket.objects.get().deadline == DAY


def test_the_field_is_a_text_input_that_says_its_format_in_each_language(client, contact_a, john):
    client.force_login(contact_a)
    page = client.get(reverse("tickets:new")).content.decode()
    assert 'type="text" name="deadline" inputmode="numeric"' in page
    assert 'placeholder="dd/mm/aaaa"' in page and "Dia, mês e ano: dd/mm/aaaa." in page
    assert "portal/date_input.js" in page
    client.force_login(john)
    page = client.get(reverse("tickets:new")).content.decode()
    assert 'placeholder="dd/mm/yyyy"' in page and "Day, month and year: dd/mm/yyyy." in page


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("pt-br", "Informe uma data válida, como 10/12/2026."),
        ("en", "Enter a valid date as dd/mm/yyyy, such as 10/12/2026."),
    ],
)
def test_an_impossible_date_is_refused_next_to_the_field(
    client, contact_a, catalog, language, message
):
    contact_a.language = language
    contact_a.save()
    client.force_login(contact_a)
    response = new_request(client, catalog, f"31/02/{NEXT_YEAR}")
    assert response.status_code == 200 and not Ticket.objects.exists()
    page = response.content.decode()
    error = page.split('id="id_deadline_error"')[1].split("</ul>")[0]
    assert message in error
    # What was typed comes back in the field, to correct.
    assert f'value="31/02/{NEXT_YEAR}"' in page


def test_pages_and_emails_write_the_month_in_lower_case(client, contact_a, catalog, agent):
    client.force_login(contact_a)
    new_request(client, catalog, f"10/12/{NEXT_YEAR}")
    ticket = Ticket.objects.get()
    written = f"10 de dezembro de {NEXT_YEAR}"
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert written in page and "Dezembro" not in page
    email = OutboundEmail.objects.filter(body_text__contains="Prazo").first()
    assert email is not None
    assert written in email.body_text and written in email.body_html
    assert "Dezembro" not in email.body_text


def test_english_writes_dates_day_first(client, john, catalog):
    client.force_login(john)
    new_request(client, catalog, f"10/12/{NEXT_YEAR}")
    ticket = Ticket.objects.get()
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert f"10 December {NEXT_YEAR}" in page
    listing = client.get(reverse("tickets:list")).content.decode()
    assert f"10/12/{NEXT_YEAR}" in listing


def test_the_team_proposes_a_deadline_typed_day_first(client, agent, contact_a):
    from tests.support.factories import open_ticket

    ticket = open_ticket(contact_a)
    client.force_login(agent)
    url = reverse("workspace:propose_deadline", args=[ticket.number])
    client.post(url, {"deadline": f"10/12/{NEXT_YEAR}", "reason": "Fotos atrasadas"})
    assert ticket.proposals.get().deadline == DAY
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert f"10 de dezembro de {NEXT_YEAR}" in page
