"""The queue's company filter (issue 17, point 4): no select of every client company on
each page; suggestions from a small JSON endpoint as one types, or a typed name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.factories import CompanyFactory, open_ticket

pytestmark = pytest.mark.django_db
QUEUE = reverse("workspace:queue")
SUGGEST = reverse("workspace:company_suggestions")


def numbers(response) -> list[int]:
    return sorted(t.number for t in response.context["page"].object_list)


@pytest.fixture
def two(contact_a, contact_b, catalog):
    return open_ticket(contact_a, subject="Da ACME"), open_ticket(contact_b, subject="Da Boreal")


def test_the_page_lists_no_companies_and_filters_by_id_or_typed_name(
    client, agent, company_a, company_b, two
):
    for n in range(30):
        CompanyFactory(name=f"Cliente {n:02}")
    client.force_login(agent)
    page = client.get(QUEUE).content.decode()
    assert "Cliente 07" not in page  # no option per company
    by_id = client.get(QUEUE, {"company": company_b.pk, "status": ""})
    assert numbers(by_id) == [two[1].number]
    # The picked company shows by its name in the field.
    assert f'value="{company_b.name}"' in by_id.content.decode()
    typed = client.get(QUEUE, {"company_name": company_a.name[:4].lower(), "status": ""})
    assert numbers(typed) == [two[0].number]


def test_suggestions_match_the_typed_text_with_a_fixed_number_of_queries(
    client, agent, company_a, django_assert_num_queries
):
    for n in range(15):
        CompanyFactory(name=f"Agência {n:02}")
    client.force_login(agent)
    client.get(SUGGEST, {"q": "agên"})
    with django_assert_num_queries(3):  # session, user, companies
        answer = client.get(SUGGEST, {"q": "agên"}).json()
    names = [company["name"] for company in answer["companies"]]
    assert names == [f"Agência {n:02}" for n in range(10)]
    assert client.get(SUGGEST, {"q": "  "}).json() == {"companies": []}


def test_suggestions_are_for_staff_only(client, contact_a, company_b):
    client.force_login(contact_a)
    assert client.get(SUGGEST, {"q": company_b.name[:3]}).status_code == 404
    client.logout()
    assert client.get(SUGGEST, {"q": "a"}).status_code == 302
