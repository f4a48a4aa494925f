"""The signed-in person's loader (portal/accounts/signed_in.py): the same user, company
and two-step row as the ORM's select_related, in one query, from the database each time."""

from __future__ import annotations

import pytest

from portal.accounts.models import TwoFactor, User
from portal.accounts.signed_in import load_signed_in

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_it_loads_what_select_related_loads_in_one_query(
    contact_a, agent, django_assert_num_queries
):
    TwoFactor.objects.create(user=agent, secret="token", last_used_step=7)
    for person in (contact_a, agent):
        expected = User.objects.select_related("company", "two_factor").get(pk=person.pk)
        with django_assert_num_queries(1):
            loaded = load_signed_in(str(person.pk))
            assert loaded is not None
            assert fields(loaded) == fields(expected)
            if expected.company is None:
                assert loaded.company is None
            else:
                assert fields(loaded.company) == fields(expected.company)
            if hasattr(expected, "two_factor"):
                assert fields(loaded.two_factor) == fields(expected.two_factor)
                assert loaded.two_factor.user is loaded
            else:
                assert not hasattr(loaded, "two_factor")


def test_changes_count_at_once_and_garbage_is_nobody(contact_a):
    contact_a.company.is_active = False
    contact_a.company.save()
    assert load_signed_in(contact_a.pk).company.is_active is False
    User.objects.filter(pk=contact_a.pk).update(is_active=False)
    assert load_signed_in(contact_a.pk).is_active is False
    assert load_signed_in("not a number") is None
    assert load_signed_in(987654) is None


def test_a_session_of_a_deactivated_company_ends_at_the_next_request(client, contact_a):
    client.force_login(contact_a)
    assert client.get("/atendimento/").status_code == 200
    contact_a.company.is_active = False
    contact_a.company.save()
    assert client.get("/atendimento/").status_code == 302
