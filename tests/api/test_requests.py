"""The requests endpoints: each through the web's form and use case, each behind
``Ticket.objects.visible_to``; errors as JSON with field names, in the user's language."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.tickets.models import DeadlineProposal, Follower, Message, Status, Ticket
from tests.support.factories import AgentFactory, ContactFactory, open_ticket
from tests.support.files import pdf_upload, png_upload, upload

LIST = "/api/v1/requests"


def in_days(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).strftime("%d/%m/%Y")


def new_request(catalog, **extra):
    return {
        "subject": "Post de Natal",
        "department": catalog["department"].pk,
        "service": catalog["service"].pk,
        "priority": catalog["priority"].pk,
        "body": "Um post para o Instagram.",
        "deadline": in_days(10),
        **extra,
    }


# --- Access: a client key sees what the client sees, a staff key what staff see.


def test_client_key_lists_its_company_only(as_user, contact_a, contact_b, catalog):
    mine = open_ticket(contact_a)
    theirs = open_ticket(contact_b)
    response = as_user(contact_a).get(LIST)
    assert response.status_code == 200
    assert [row["number"] for row in response.json()["results"]] == [mine.number]
    assert response.json()["next"] is None
    api = as_user(contact_a)
    for path in (
        f"{LIST}/{theirs.number}",
        f"{LIST}/{theirs.number}/messages",
        f"{LIST}/{theirs.number}/followers",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Não encontrado.", "errors": {}}
    assert api.multipart(f"{LIST}/{theirs.number}/messages", {"body": "x"}).status_code == 404
    assert theirs.messages.count() == 1


def test_staff_key_sees_every_company(as_user, agent, contact_a, contact_b, catalog):
    first, second = open_ticket(contact_a), open_ticket(contact_b)
    rows = as_user(agent).get(LIST).json()["results"]
    assert [row["number"] for row in rows] == [second.number, first.number]
    assert as_user(agent).get(f"{LIST}/{first.number}").json()["company"]["name"] == (
        "ACME Alimentos"
    )


def test_a_narrowed_contact_sees_only_her_own_or_followed(as_user, contact_a, nara, catalog):
    colleague = open_ticket(contact_a)
    own = open_ticket(nara)
    api = as_user(nara)
    assert [r["number"] for r in api.get(LIST).json()["results"]] == [own.number]
    assert api.get(f"{LIST}/{colleague.number}").status_code == 404
    Follower.objects.create(ticket=colleague, user=nara)
    assert api.get(f"{LIST}/{colleague.number}").status_code == 200


def test_staff_only_endpoints_refuse_client_keys(as_user, contact_a, agent, catalog):
    ticket = open_ticket(contact_a)
    api = as_user(contact_a)
    assert api.post(f"{LIST}/{ticket.number}/status", {"status": "done"}).status_code == 403
    assert api.post(f"{LIST}/{ticket.number}/assignment", {"assignee": agent.pk}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.assignee is None
    assert api.get("/api/v1/companies").status_code == 404
    assert api.get(f"/api/v1/contacts/{contact_a.pk}").status_code == 404


# --- List: filters and cursor.


def test_filters_and_cursor_pagination(as_user, agent, contact_a, contact_b, catalog):
    tickets = [open_ticket(contact_a, subject=f"Pedido {i}") for i in range(5)]
    other = open_ticket(contact_b, subject="Boreal")
    api = as_user(agent)
    page = api.get(LIST, {"limit": 2}).json()
    assert [r["number"] for r in page["results"]] == [other.number, tickets[4].number]
    page2 = api.get(LIST, {"limit": 2, "cursor": page["next"]}).json()
    assert [r["number"] for r in page2["results"]] == [tickets[3].number, tickets[2].number]
    page3 = api.get(LIST, {"limit": 2, "cursor": page2["next"]}).json()
    assert [r["number"] for r in page3["results"]] == [tickets[1].number, tickets[0].number]
    assert page3["next"] is None
    company = api.get(LIST, {"company": contact_b.company_id}).json()["results"]
    assert [r["number"] for r in company] == [other.number]
    Ticket.objects.filter(pk=tickets[0].pk).update(status=Status.DONE, assignee=agent)
    done = api.get(LIST, {"status": "done"}).json()["results"]
    assert [r["number"] for r in done] == [tickets[0].number]
    mine = api.get(LIST, {"assignee": "me"}).json()["results"]
    assert [r["number"] for r in mine] == [tickets[0].number]
    assert len(api.get(LIST, {"assignee": "none"}).json()["results"]) == 5
    found = api.get(LIST, {"q": "Boreal"}).json()["results"]
    assert [r["number"] for r in found] == [other.number]


def test_invalid_filters_are_errors_by_field(as_user, agent, db):
    response = as_user(agent).get(
        LIST, {"status": "lost", "limit": "500", "cursor": "abc", "assignee": "x"}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"status", "limit", "cursor", "assignee"}
    assert "Faça uma escolha válida" in errors["status"][0]


def test_client_search_never_finds_internal_notes(as_user, contact_a, agent, catalog):
    from portal.tickets.services import ticket_answer

    ticket = open_ticket(contact_a)
    ticket_answer(ticket=ticket, author=agent, body="segredo interno xilofone", internal=True)
    assert as_user(contact_a).get(LIST, {"q": "xilofone"}).json()["results"] == []
    assert len(as_user(agent).get(LIST, {"q": "xilofone"}).json()["results"]) == 1


# --- Open (NOVA SOLICITAÇÃO).


def test_open_a_request_with_files_and_followers(as_user, contact_a, john, catalog, outbox):
    data = new_request(catalog, followers=[john.pk], files=[png_upload(), pdf_upload()])
    response = as_user(contact_a).multipart(LIST, data)
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(number=body["number"])
    assert ticket.status == Status.OPEN and ticket.opened_by == contact_a
    assert body["status_label"] == "ABERTA"
    assert [f["name"] for f in body["followers"]] == ["John Smith"]
    assert ticket.messages.get().attachments.count() == 2
    assert outbox  # the team hears of it, as from the page


def test_open_validates_like_the_page(as_user, contact_a, contact_b, catalog):
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = new_request(
        catalog, subject="", deadline=yesterday, department=999, followers=[contact_b.pk]
    )
    response = as_user(contact_a).multipart(LIST, data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) >= {"subject", "deadline", "department", "followers"}
    assert errors["subject"] == ["Este campo é obrigatório."]
    assert not Ticket.objects.exists()


def test_errors_follow_accept_language(as_user, contact_a, catalog):
    api = as_user(contact_a, HTTP_ACCEPT_LANGUAGE="en")
    response = api.multipart(LIST, new_request(catalog, subject=""))
    assert response.json()["errors"]["subject"] == ["This field is required."]
    john_speaks = ContactFactory(company=contact_a.company, language="en")
    response = as_user(john_speaks).multipart(LIST, new_request(catalog, subject=""))
    assert response.json()["errors"]["subject"] == ["This field is required."]


def test_the_same_submission_key_opens_one_request(as_user, contact_a, catalog):
    api = as_user(contact_a)
    first = api.multipart(LIST, new_request(catalog, submission_key="abc123"))
    again = api.multipart(LIST, new_request(catalog, submission_key="abc123"))
    assert first.json()["number"] == again.json()["number"]
    assert Ticket.objects.count() == 1


def test_staff_do_not_open_requests(as_user, agent, catalog):
    assert as_user(agent).multipart(LIST, new_request(catalog)).status_code == 403


@pytest.mark.parametrize(
    ("files", "needle"),
    [
        (lambda: [upload("virus.pdf", b"MZ\x90\x00binary")], "virus.pdf"),
        (lambda: [pdf_upload(size=3 * 1024 * 1024)], "briefing.pdf"),
        (lambda: [png_upload(f"f{i}.png") for i in range(11)], "10"),
        (lambda: [upload("page.html", b"<html><script>x</script></html>")], "page.html"),
    ],
    ids=["executable", "oversize", "too-many", "html"],
)
def test_files_under_the_same_limits(as_user, contact_a, catalog, files, needle):
    response = as_user(contact_a).multipart(LIST, new_request(catalog, files=files()))
    assert response.status_code == 400
    errors = response.json()["errors"]["attachments"]
    assert any(needle in message for message in errors)
    assert not Ticket.objects.exists()


# --- Detail, messages, attachments.


def test_detail_and_messages_hide_internal_notes_from_clients(as_user, contact_a, agent, catalog):
    from portal.tickets.services import ticket_answer

    ticket = open_ticket(contact_a, files=[])
    ticket_answer(ticket=ticket, author=agent, body="Nota só da equipe", internal=True)
    ticket_answer(ticket=ticket, author=agent, body="Olá, Ana")
    client_view = as_user(contact_a).get(f"{LIST}/{ticket.number}/messages").json()
    assert [m["body"] for m in client_view] == ["Detalhes do pedido.", "Olá, Ana"]
    staff_view = as_user(agent).get(f"{LIST}/{ticket.number}/messages").json()
    assert [m["internal"] for m in staff_view] == [False, True, False]
    detail = as_user(contact_a).get(f"{LIST}/{ticket.number}").json()
    assert detail["status"] == "in_progress" and detail["subject"] == ticket.subject


def test_client_answers_and_staff_notes(as_user, contact_a, agent, catalog):
    ticket = open_ticket(contact_a)
    response = as_user(contact_a).multipart(
        f"{LIST}/{ticket.number}/messages", {"body": "Segue a foto", "files": [png_upload()]}
    )
    assert response.status_code == 201
    assert response.json()["attachments"][0]["name"] == "foto.png"
    # A client cannot slip an internal note in: the client's form has no such field.
    as_user(contact_a).multipart(
        f"{LIST}/{ticket.number}/messages", {"body": "oi", "internal": "true"}
    )
    assert not Message.objects.filter(is_internal=True).exists()
    note = as_user(agent).multipart(
        f"{LIST}/{ticket.number}/messages", {"body": "nota", "internal": "true"}
    )
    assert note.json()["internal"] is True
    empty = as_user(contact_a).multipart(f"{LIST}/{ticket.number}/messages", {"body": ""})
    assert empty.status_code == 400 and "body" in empty.json()["errors"]


def test_attachment_download_is_the_web_download(as_user, contact_a, contact_b, agent, catalog):
    ticket = open_ticket(contact_a, files=[])
    as_user(contact_a).multipart(
        f"{LIST}/{ticket.number}/messages", {"body": "pdf", "files": [pdf_upload()]}
    )
    url = (
        as_user(contact_a)
        .get(f"{LIST}/{ticket.number}/messages")
        .json()[-1]["attachments"][0]["download_url"]
    )
    response = as_user(contact_a).get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert as_user(contact_b).get(url).status_code == 404
    assert as_user(agent).get(url).status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.STAFF_DOWNLOAD, actor=agent).exists()


# --- Staff actions: the lifecycle, assignment, classification.


def test_status_follows_the_lifecycle(as_user, agent, contact_a, catalog):
    ticket = open_ticket(contact_a)
    api = as_user(agent)
    moved = api.post(f"{LIST}/{ticket.number}/status", {"status": "waiting_client"})
    assert moved.status_code == 200 and moved.json()["status"] == "waiting_client"
    # The same refusal as the page: back to ABERTA is never allowed.
    refused = api.post(f"{LIST}/{ticket.number}/status", {"status": "open"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["status"] == [
        "Uma solicitação em AGUARDANDO RETORNO não pode passar para ABERTA."
    ]
    stale = api.post(f"{LIST}/{ticket.number}/status", {"status": "done", "seen": "open"})
    assert stale.status_code == 400 and "status" in stale.json()["errors"]
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_CLIENT


def test_assignment_and_classification(as_user, agent, contact_a, catalog):
    from portal.tickets.models import Department, Priority

    ticket = open_ticket(contact_a)
    api = as_user(agent)
    carla = AgentFactory(name="Carla")
    assigned = api.post(f"{LIST}/{ticket.number}/assignment", {"assignee": carla.pk})
    assert assigned.json()["assignee"]["name"] == "Carla"
    assert assigned.json()["status"] == "in_progress"
    wrong = api.post(f"{LIST}/{ticket.number}/assignment", {"assignee": contact_a.pk})
    assert wrong.status_code == 400 and "assignee" in wrong.json()["errors"]
    nobody = api.post(f"{LIST}/{ticket.number}/assignment", {"assignee": None})
    assert nobody.json()["assignee"] is None
    other_department = Department.objects.exclude(pk=ticket.department_id).first()
    payload = {
        "department": other_department.pk,
        "service": catalog["service"].pk,
        "priority": Priority.objects.first().pk,
    }
    classified = api.post(f"{LIST}/{ticket.number}/classification", payload)
    assert classified.json()["department"]["id"] == other_department.pk
    bad = api.post(f"{LIST}/{ticket.number}/classification", {**payload, "service": 0})
    assert bad.status_code == 400 and "service" in bad.json()["errors"]
    schema = api.post(f"{LIST}/{ticket.number}/classification", {"department": "x"})
    assert schema.status_code == 400 and "department" in schema.json()["errors"]


# --- Deadline proposals and followers.


def test_deadline_proposal_accept_and_refuse(as_user, agent, contact_a, catalog):
    ticket = open_ticket(contact_a)
    staff, client = as_user(agent), as_user(contact_a)
    missing = staff.post(
        f"{LIST}/{ticket.number}/deadline-proposals", {"deadline": "", "reason": ""}
    )
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"deadline", "reason"}
    proposed = staff.post(
        f"{LIST}/{ticket.number}/deadline-proposals", {"deadline": in_days(20), "reason": "Fotos"}
    )
    assert proposed.status_code == 201
    detail = client.get(f"{LIST}/{ticket.number}").json()
    assert detail["pending_deadline_proposal"]["reason"] == "Fotos"
    no_comment = client.post(
        f"{LIST}/{ticket.number}/deadline-proposals/pending/answer", {"accept": False}
    )
    assert no_comment.status_code == 400 and "comment" in no_comment.json()["errors"]
    accepted = client.post(
        f"{LIST}/{ticket.number}/deadline-proposals/pending/answer", {"accept": True}
    )
    assert accepted.status_code == 200
    assert (
        accepted.json()["deadline"]
        == (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    )
    assert DeadlineProposal.objects.get().state == DeadlineProposal.State.ACCEPTED
    again = client.post(
        f"{LIST}/{ticket.number}/deadline-proposals/pending/answer", {"accept": True}
    )
    assert again.status_code == 400


def test_followers(as_user, contact_a, john, contact_b, agent, catalog):
    ticket = open_ticket(contact_a)
    client = as_user(contact_a)
    added = client.post(f"{LIST}/{ticket.number}/followers", {"users": [john.pk]})
    assert [p["name"] for p in added.json()] == ["John Smith"]
    refused = client.post(f"{LIST}/{ticket.number}/followers", {"users": [contact_b.pk]})
    assert refused.status_code == 400 and "followers" in refused.json()["errors"]
    as_user(agent).post(f"{LIST}/{ticket.number}/followers", {"users": [agent.pk]})
    assert {f.user_id for f in Follower.objects.filter(ticket=ticket)} == {john.pk, agent.pk}
    # A client removes only herself; the team removes anyone.
    assert client.delete(f"{LIST}/{ticket.number}/followers/{john.pk}").status_code == 403
    left = as_user(john).delete(f"{LIST}/{ticket.number}/followers/{john.pk}")
    assert [p["id"] for p in left.json()] == [agent.pk]
    as_user(john).post(f"{LIST}/{ticket.number}/followers", {"users": [john.pk]})
    removed = as_user(agent).delete(f"{LIST}/{ticket.number}/followers/{john.pk}")
    assert [p["id"] for p in removed.json()] == [agent.pk]
