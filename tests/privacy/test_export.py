"""Baixar meus dados: what a contact's ZIP holds (portal/privacy/export.py)."""

from __future__ import annotations

import datetime
import hashlib
import json
import zipfile

import pytest
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.notifications.preferences import preferences_save
from portal.privacy.export import personal_data_export, safe_file_name
from portal.tickets.deadlines import deadline_proposal_answer, deadline_propose
from portal.tickets.models import Follower, Status
from portal.tickets.services import ticket_answer, ticket_change_status, ticket_confirm
from portal.tickets.uploads import check_file
from tests.support.factories import open_ticket
from tests.support.files import pdf_upload, png_upload, upload

pytestmark = pytest.mark.django_db

PDF = pdf_upload("briefing.pdf").read()
PNG = png_upload().read()


@pytest.fixture
def history(contact_a, contact_b, john, agent, catalog):
    """Ana's requests among her colleague's, the team's notes and another company's."""
    own = open_ticket(
        contact_a,
        subject="Post do Dia das Mães",
        body="Segue o briefing.",
        files=[check_file(pdf_upload("briefing.pdf"))],
    )
    ticket_answer(ticket=own, author=agent, body="Recebido, começamos hoje.")
    ticket_answer(
        ticket=own,
        author=agent,
        body="SEGREDO interno: cliente atrasa pagamento.",
        internal=True,
        files=[check_file(pdf_upload("nota-interna.pdf"))],
    )
    ticket_answer(ticket=own, author=john, body="Mensagem do John para a equipe.")
    ticket_answer(
        ticket=own,
        author=contact_a,
        body="A foto final:",
        files=[check_file(upload("../../Foto: final?.png", PNG, "image/png"))],
    )
    ticket_change_status(ticket=own, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=own, actor=contact_a, score=5, comment="Ótimo atendimento.")

    johns = open_ticket(john, subject="Banner do site", body="Pedido do John.")
    ticket_answer(ticket=johns, author=contact_a, body="Complementando o pedido do John.")
    proposal = deadline_propose(
        ticket=johns,
        actor=agent,
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        reason="Fotos atrasadas.",
    )
    deadline_proposal_answer(
        proposal=proposal, actor=contact_a, accept=False, comment="Precisamos na data."
    )

    followed = open_ticket(john, subject="Campanha de inverno", body="Texto do John.")
    Follower.objects.create(ticket=followed, user=contact_a)
    not_hers = open_ticket(john, subject="Assunto só do John", body="Só do John.")
    other_company = open_ticket(contact_b, subject="Pacote Boreal", body="Da Boreal.")
    preferences_save(user=contact_a, enabled=["request-answer"])
    return {
        "own": own,
        "johns": johns,
        "followed": followed,
        "not_hers": not_hers,
        "other_company": other_company,
    }


def _open(user):
    export = personal_data_export(user=user)
    archive = zipfile.ZipFile(export.file)
    return export, archive, json.loads(archive.read("data.json"))


def test_the_profile_and_preferences(history, contact_a):
    contact_a.refresh_from_db()
    export, _, data = _open(contact_a)
    assert export.filename == f"meus-dados-{timezone.localdate().isoformat()}.zip"
    assert data["format_version"] == 1
    profile = data["profile"]
    assert profile["name"] == "Ana Souza"
    assert profile["email"] == "ana@acme.test"
    assert profile["company"] == "ACME Alimentos"
    assert profile["language"] == "pt-br"
    assert profile["role"] == "contact"
    assert profile["company_admin"] is False
    assert profile["sees_own_requests_only"] is False
    assert profile["joined_at"] == timezone.localtime(contact_a.date_joined).isoformat()
    turned_off = {item["kind"]: item["label"] for item in data["preferences"]["emails_turned_off"]}
    assert "request-answer" not in turned_off
    assert turned_off["request-status"] == "Mudança de status"
    assert data["preferences"]["portal_notifications_turned_off"] == []


def test_the_answers_to_a_services_own_fields_go_with_the_request(contact_a, catalog):
    from portal.tickets.models import ServiceField, TicketFieldAnswer

    ticket = open_ticket(contact_a, subject="Post")
    field = ServiceField.objects.create(service=ticket.service, label="Rede social", kind="text")
    TicketFieldAnswer.objects.create(
        ticket=ticket, field=field, label="Rede social", kind="text", value="Instagram"
    )
    _, _, data = _open(contact_a)
    [request] = data["requests"]
    assert request["answers"] == [{"question": "Rede social", "answer": "Instagram"}]


def test_the_requests_are_those_she_opened_wrote_in_or_follows(history, contact_a):
    _, _, data = _open(contact_a)
    requests = {item["number"]: item for item in data["requests"]}
    own, johns, followed = history["own"], history["johns"], history["followed"]
    assert set(requests) == {own.number, johns.number, followed.number}
    first = requests[own.number]
    assert first["subject"] == "Post do Dia das Mães"
    assert first["status"] == "done"
    assert first["status_label"] == "CONCLUÍDA"
    assert first["department"] == "Atendimento"
    assert first["opened_at"] == timezone.localtime(own.created_at).isoformat()
    assert first["closed_at"] is not None
    assert first["url"] == f"https://portal.example/atendimento/{own.number}/"
    assert (first["opened_by_you"], first["you_wrote_in_it"], first["you_follow_it"]) == (
        True,
        True,
        False,
    )
    assert requests[johns.number]["opened_by_you"] is False
    assert requests[johns.number]["you_wrote_in_it"] is True
    assert requests[followed.number]["you_follow_it"] is True
    assert requests[followed.number]["you_wrote_in_it"] is False


def test_only_her_own_messages_never_notes_or_other_people(history, contact_a):
    _, archive, data = _open(contact_a)
    texts = [message["text"] for message in data["messages"]]
    assert texts == ["Segue o briefing.", "A foto final:", "Complementando o pedido do John."]
    assert data["messages"][0]["request"] == history["own"].number
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for absent in (
        "SEGREDO",
        "nota-interna",
        "Mensagem do John",
        "Recebido, começamos",
        "Pacote Boreal",
        "Da Boreal",
        "Assunto só do John",
        "marina@boreal.test",
        "Fotos atrasadas",
    ):
        assert absent.encode() not in everything, absent


def test_the_files_she_sent_are_byte_identical_under_safe_names(history, contact_a):
    _, archive, data = _open(contact_a)
    files = [file for message in data["messages"] for file in message["files"]]
    assert [file["name"] for file in files] == ["briefing.pdf", "Foto: final?.png"]
    number = history["own"].number
    briefing, photo = files
    assert briefing["path"].startswith(f"files/{number}/")
    assert briefing["path"].endswith("-briefing.pdf")
    assert photo["path"].endswith("-Foto_ final.png")
    assert archive.read(briefing["path"]) == PDF
    assert archive.read(photo["path"]) == PNG
    assert briefing["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert briefing["size"] == len(PDF) and briefing["content_type"] == "application/pdf"
    file_entries = [name for name in archive.namelist() if name.startswith("files/")]
    assert sorted(file_entries) == sorted([briefing["path"], photo["path"]])
    assert all(".." not in name and not name.startswith("/") for name in archive.namelist())


def test_ratings_deadline_answers_and_activity(history, contact_a):
    _, _, data = _open(contact_a)
    own, johns = history["own"], history["johns"]
    assert data["ratings"] == [
        {
            "request": own.number,
            "score": 5,
            "comment": "Ótimo atendimento.",
            "rated_at": data["ratings"][0]["rated_at"],
        }
    ]
    [answer] = data["deadline_answers"]
    assert answer["request"] == johns.number
    assert answer["accepted"] is False
    assert answer["comment"] == "Precisamos na data."
    done = {(item["request"], item["what"]) for item in data["activity"]}
    assert (own.number, "opened") in done
    assert (own.number, "confirmed") in done
    assert (johns.number, "deadline_refused") in done


def test_a_readme_in_her_language(history, contact_a, john):
    _, archive, _ = _open(contact_a)
    assert "Seus dados no portal Zwei Arts" in archive.read("LEIA-ME.txt").decode()
    export, archive, data = _open(john)
    assert export.filename.startswith("my-data-")
    assert "Your data in the Zwei Arts portal" in archive.read("README.txt").decode()
    assert {item["status_label"] for item in data["requests"]} <= {"OPEN", "IN PROGRESS", "DONE"}


def test_the_export_is_in_the_audit_log(history, contact_a):
    _open(contact_a)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_EXPORTED)
    assert entry.actor == contact_a and entry.target == "ana@acme.test"
    assert entry.detail == {"requests": 3, "messages": 3, "files": 2}


def test_a_file_missing_from_storage_is_reported_not_fatal(history, contact_a):
    attachment = history["own"].messages.first().attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    _, archive, data = _open(contact_a)
    briefing = data["messages"][0]["files"][0]
    assert briefing["missing"] is True and briefing["path"] is None
    assert len([name for name in archive.namelist() if name.startswith("files/")]) == 1


def test_a_contact_with_nothing_gets_an_empty_but_valid_export(contact_b):
    _, _, data = _open(contact_b)
    assert data["requests"] == [] and data["messages"] == []
    assert data["profile"]["email"] == "marina@boreal.test"


def test_staff_have_no_export(agent):
    with pytest.raises(ValueError):
        personal_data_export(user=agent)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("briefing.pdf", "briefing.pdf"),
        ("Relatório final (v2).pdf", "Relatório final (v2).pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\foto.png", "foto.png"),
        (".htaccess", "htaccess"),
        ("a\x00b\nc.txt", "a_b_c.txt"),
        ("...", "file"),
        ("", "file"),
        ("x" * 300 + ".jpeg", "x" * 95 + ".jpeg"),
    ],
)
def test_safe_file_names(name, safe):
    assert safe_file_name(name) == safe
