"""Companies and contacts, for the team only."""

from __future__ import annotations

from portal.accounts.models import User


def test_companies_and_contacts(as_user, agent, contact_a, contact_b, outbox):
    api = as_user(agent)
    companies = api.get("/api/v1/companies").json()
    assert [c["name"] for c in companies] == ["ACME Alimentos", "Boreal Turismo"]
    assert companies[0]["contact_count"] == 1
    company = contact_a.company
    assert api.get(f"/api/v1/companies/{company.pk}").json()["name"] == "ACME Alimentos"
    contacts = api.get(f"/api/v1/companies/{company.pk}/contacts").json()
    assert [c["email"] for c in contacts] == ["ana@acme.test"]
    assert api.get(f"/api/v1/contacts/{contact_b.pk}").json()["company"]["name"] == (
        "Boreal Turismo"
    )
    assert api.get(f"/api/v1/contacts/{agent.pk}").status_code == 404
    assert api.get("/api/v1/companies/999").status_code == 404


def test_invite_a_contact_through_the_invitation(as_user, agent, contact_a, outbox):
    api = as_user(agent)
    url = f"/api/v1/companies/{contact_a.company_id}/contacts"
    response = api.post(url, {"name": "Rita", "email": "Rita@ACME.test"})
    assert response.status_code == 201
    assert User.objects.get(email="rita@acme.test").company == contact_a.company
    assert any("rita@acme.test" in m.to for m in outbox)
    again = api.post(url, {"name": "Rita", "email": "rita@acme.test"})
    assert again.status_code == 400
    assert again.json()["errors"]["email"] == ["Já existe um acesso com este e-mail."]
    bad = api.post(url, {"name": "", "email": "nope"})
    assert set(bad.json()["errors"]) == {"name", "email"}


def test_clients_get_404(as_user, contact_a):
    api = as_user(contact_a)
    assert api.get("/api/v1/companies").status_code == 404
    assert api.get(f"/api/v1/companies/{contact_a.company_id}/contacts").status_code == 404
    url = f"/api/v1/companies/{contact_a.company_id}/contacts"
    assert api.post(url, {"name": "X", "email": "x@acme.test"}).status_code == 404
