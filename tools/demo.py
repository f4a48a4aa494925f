"""Demo data: what `make run` shows on a fresh machine. Safe to load more than once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal.accounts.models import Role, User
from portal.commitments.models import Clock
from portal.companies.models import Company
from portal.notifications.models import Notification
from portal.tickets.catalog import (
    GUIDE_DEPARTMENTS,
    GUIDE_PRIORITIES,
    GUIDE_SERVICES,
    service_field_save,
)
from portal.tickets.deadlines import deadline_propose
from portal.tickets.meetings import Slot, meeting_propose
from portal.tickets.models import (
    Department,
    Event,
    Message,
    Priority,
    Service,
    ServiceField,
    Status,
    Ticket,
)
from portal.tickets.services import (
    ticket_answer,
    ticket_assign,
    ticket_change_status,
    ticket_confirm,
    ticket_open,
)
from portal.tickets.uploads import check_file
from portal.workspace.models import CannedReply
from tools import demo_files

DEMO_PASSWORD = "demo-zwei-2026"  # noqa: S105 - printed and documented on purpose

# The guide's catalogue (a data migration installs it; the demo puts it in order).
DEPARTMENTS, SERVICES, PRIORITIES = GUIDE_DEPARTMENTS, GUIDE_SERVICES, GUIDE_PRIORITIES

Kind = ServiceField.Kind
# What a service asks on NOVA SOLICITAÇÃO besides the usual fields, as the guide suggests:
# service → (label, kind, required, help text, options).
SERVICE_FIELDS = {
    "Redes Sociais": [
        ("Rede social", Kind.CHOICE, True, "", "Instagram\nFacebook\nLinkedIn\nTikTok"),
        ("Data da publicação", Kind.DATE, False, "Quando o post deve ir ao ar.", ""),
    ],
    "Atualização / Website": [
        ("Endereço da página", Kind.URL, True, "O link da página que muda.", ""),
    ],
}


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: str
    company: str | None = None
    company_admin: bool = False


PEOPLE = [
    DemoPerson("admin@zweiarts.test", "Helena Admin", Role.ADMIN),
    DemoPerson("bruno@zweiarts.test", "Bruno Agente", Role.AGENT),
    DemoPerson("carla@zweiarts.test", "Carla Agente", Role.AGENT),
    DemoPerson("ana@acme.test", "Ana Souza", Role.CONTACT, "ACME Alimentos", company_admin=True),
    DemoPerson("joao@acme.test", "João Lima", Role.CONTACT, "ACME Alimentos"),
    DemoPerson("marina@boreal.test", "Marina Costa", Role.CONTACT, "Boreal Turismo"),
    DemoPerson("pedro@boreal.test", "Pedro Alves", Role.CONTACT, "Boreal Turismo"),
]


def load_catalog(model, names: list[str]) -> None:
    """Create or reorder catalogue entries by name; existing ones keep their other fields."""
    for position, name in enumerate(names, start=1):
        model.objects.update_or_create(name=name, defaults={"position": position})


def load_service_fields() -> None:
    """Add the demo's fields to their services; fields an admin already has are kept."""
    for service_name, fields in SERVICE_FIELDS.items():
        service = Service.objects.get(name=service_name)
        for position, (label, kind, required, help_text, choices) in enumerate(fields, start=1):
            if not service.intake_fields.filter(label__iexact=label).exists():
                service_field_save(
                    ServiceField(service=service),
                    label=label,
                    kind=kind,
                    required=required,
                    help_text=help_text,
                    choices=choices,
                    position=position,
                    is_active=True,
                )


@transaction.atomic
def load_demo() -> list[DemoPerson]:
    load_catalog(Department, DEPARTMENTS)
    load_catalog(Service, SERVICES)
    load_catalog(Priority, PRIORITIES)
    load_service_fields()
    for person in PEOPLE:
        company = None
        if person.company:
            company, _ = Company.objects.get_or_create(name=person.company)
        user = User.objects.filter(email=person.email).first() or User(email=person.email)
        user.name = person.name
        user.role = person.role
        user.company = company
        user.is_company_admin = person.company_admin
        user.is_active = True
        user.must_change_password = False
        user.temporary_password_expires_at = None
        user.set_password(DEMO_PASSWORD)
        user.save()
    _add_members("Atendimento", ["bruno@zweiarts.test", "carla@zweiarts.test"])
    _add_members("Financeiro", ["admin@zweiarts.test"])
    if not Ticket.objects.exists():
        _load_tickets()
    _load_canned_replies()
    return PEOPLE


def _add_members(department: str, emails: list[str]) -> None:
    Department.objects.get(name=department).members.add(*User.objects.filter(email__in=emails))


def _file(name: str):
    content = demo_files.png() if name.endswith(".png") else demo_files.pdf(name)
    return check_file(SimpleUploadedFile(name, content))


def _user(email: str) -> User:
    return User.objects.get(email=email)


# Each script: who opens it, what, and what happens next — in every status.
# Steps: ("answer", email, text, files) / ("status", email, status) /
# ("assign", email, assignee_email) / ("confirm", email) /
# ("meeting", email, place): proposes two times in the coming days /
# ("propose", email, days_later, reason): proposes a Prazo that many days later
REQUEST_SCRIPTS = [
    {
        "by": "ana@acme.test", "days_ago": 1, "subject": "Post de Black Friday para o Instagram",
        "department": "Atendimento", "service": "Redes Sociais", "priority": "Alta", "due_in": 6,
        "body": "Olá! Precisamos de 3 posts para a campanha de Black Friday (feed e stories).\n"
                "As fotos dos produtos estão nesta pasta: https://drive.google.com/drive/folders/acme-bf",
        "files": ["briefing-black-friday.pdf"],
        "answers": {"Rede social": "Instagram", "Data da publicação": 5},
        "steps": [],
    },
    {
        "by": "joao@acme.test", "days_ago": 4, "subject": "Atualizar banner da home do site",
        "department": "Atendimento", "service": "Atualização / Website", "priority": "Média",
        "due_in": 3, "body": "Trocar o banner principal pela campanha de verão.",
        "files": ["banner-verao.png"],
        "answers": {"Endereço da página": "https://www.acme.test/"},
        "steps": [
            ("assign", "bruno@zweiarts.test", "bruno@zweiarts.test"),
            ("status", "bruno@zweiarts.test", Status.IN_PROGRESS),
            ("answer", "bruno@zweiarts.test", "Recebido! Já estamos montando o novo banner.", []),
        ],
    },
    {
        "by": "ana@acme.test", "days_ago": 6, "subject": "Layout do e-mail marketing de dezembro",
        "department": "Atendimento", "service": "E-mail Marketing", "priority": "Alta",
        "due_in": 2, "body": "Precisamos do e-mail de Natal com as ofertas da planilha anexa.",
        "files": ["ofertas-dezembro.pdf"],
        "steps": [
            ("assign", "carla@zweiarts.test", "carla@zweiarts.test"),
            ("status", "carla@zweiarts.test", Status.IN_PROGRESS),
            ("answer", "carla@zweiarts.test",
             "Segue a prévia do layout. Vocês aprovam ou querem algum ajuste?",
             ["previa-email-natal.png"]),
            ("status", "carla@zweiarts.test", Status.WAITING_CLIENT),
        ],
    },
    {
        "by": "joao@acme.test", "days_ago": 12, "subject": "Revisão da identidade visual",
        "department": "Atendimento", "service": "Design Gráfico", "priority": "Baixa",
        "due_in": 30, "body": "Queremos discutir uma revisão do logotipo e da paleta de cores.",
        "files": [],
        "steps": [
            ("assign", "bruno@zweiarts.test", "bruno@zweiarts.test"),
            ("answer", "bruno@zweiarts.test",
             "Para seguir, precisamos de uma reunião. Escolha o melhor horário, por favor.", []),
            ("meeting", "bruno@zweiarts.test", "https://meet.google.com/zwe-iart-sdm"),
        ],
    },
    {
        "by": "ana@acme.test", "days_ago": 9, "subject": "Segunda via do boleto de novembro",
        "department": "Financeiro", "service": "Financeiro", "priority": "Média", "due_in": 1,
        "body": "Não recebemos o boleto de novembro. Podem enviar a segunda via?", "files": [],
        "steps": [
            ("assign", "admin@zweiarts.test", "admin@zweiarts.test"),
            ("answer", "admin@zweiarts.test", "Segue a segunda via em anexo.",
             ["boleto-novembro.pdf"]),
            ("status", "admin@zweiarts.test", Status.DONE),
        ],
    },
    {
        "by": "joao@acme.test", "days_ago": 20, "subject": "Corrigir formulário de contato",
        "department": "Atendimento", "service": "Suporte Técnico", "priority": "Urgente",
        "due_in": 0, "body": "O formulário de contato do site não está enviando as mensagens.",
        "files": [],
        "steps": [
            ("assign", "bruno@zweiarts.test", "bruno@zweiarts.test"),
            ("status", "bruno@zweiarts.test", Status.IN_PROGRESS),
            ("answer", "bruno@zweiarts.test", "Corrigido! Podem testar, por favor?", []),
            ("status", "bruno@zweiarts.test", Status.DONE),
            ("confirm", "joao@acme.test"),
        ],
    },
    {
        "by": "marina@boreal.test", "days_ago": 2, "subject": "Campanha de pacotes para o Carnaval",
        "department": "Atendimento", "service": "Redes Sociais", "priority": "Média",
        "due_in": 10, "body": "Queremos uma série de posts para os pacotes de Carnaval.",
        "files": ["roteiros-carnaval.pdf"], "steps": [],
        "answers": {"Rede social": "Facebook"},
    },
    {
        "by": "pedro@boreal.test", "days_ago": 5, "subject": "Página de destinos no site",
        "department": "Atendimento", "service": "Atualização / Website", "priority": "Alta",
        "due_in": 5, "body": "Incluir a página do novo destino: Jericoacoara.",
        "files": ["fotos-jeri.png"],
        "answers": {"Endereço da página": "https://www.borealturismo.test/destinos"},
        "steps": [
            ("assign", "carla@zweiarts.test", "carla@zweiarts.test"),
            ("status", "carla@zweiarts.test", Status.IN_PROGRESS),
            ("propose", "carla@zweiarts.test", 4,
             "As fotos do destino chegaram em baixa resolução; pedimos novas ao fotógrafo."),
        ],
    },
    {
        "by": "marina@boreal.test", "days_ago": 15, "subject": "Nota fiscal de outubro",
        "department": "Financeiro", "service": "Financeiro", "priority": "Baixa", "due_in": 0,
        "body": "Precisamos da nota fiscal de outubro para o fechamento.", "files": [],
        "steps": [
            ("answer", "admin@zweiarts.test", "Nota fiscal enviada em anexo.", ["nf-outubro.pdf"]),
            ("status", "admin@zweiarts.test", Status.DONE),
            ("confirm", "marina@boreal.test"),
        ],
    },
]  # fmt: skip


CANNED_REPLIES = [
    ("admin@zweiarts.test", True, "Recebemos sua solicitação",
     "Olá! Recebemos sua solicitação e já estamos cuidando dela. "
     "Voltamos com novidades em até 24 horas."),
    ("admin@zweiarts.test", True, "Aprovação do material",
     "Segue o material para a sua aprovação. Se estiver tudo certo, é só responder "
     "aprovando; se precisar de ajustes, descreva-os aqui mesmo."),
    ("bruno@zweiarts.test", False, "Agendar reunião",
     "Para seguir com a sua solicitação, precisamos de uma reunião rápida. "
     "Quais horários funcionam para você nesta semana?"),
]  # fmt: skip


def _load_canned_replies() -> None:
    for email, shared, title, body in CANNED_REPLIES:
        CannedReply.objects.get_or_create(
            owner=_user(email), title=title, defaults={"body": body, "is_shared": shared}
        )


def _run_step(ticket: Ticket, step: tuple) -> None:
    action, email = step[0], step[1]
    actor = _user(email)
    if action == "answer":
        ticket_answer(ticket=ticket, author=actor, body=step[2], files=[_file(n) for n in step[3]])
    elif action == "status":
        ticket_change_status(ticket=ticket, actor=actor, status=step[2])
    elif action == "assign":
        ticket_assign(ticket=ticket, actor=actor, assignee=_user(step[2]))
    elif action == "confirm":
        ticket_confirm(ticket=ticket, actor=actor)
    elif action == "meeting":
        today = timezone.localdate()
        slots = [
            Slot(_local(today + timedelta(days=2), 10), 60),
            Slot(_local(today + timedelta(days=3), 15), 45),
        ]
        meeting_propose(ticket=ticket, actor=actor, slots=slots, place=step[2])
    elif action == "propose":
        deadline = ticket.deadline + timedelta(days=step[2])
        deadline_propose(ticket=ticket, actor=actor, deadline=deadline, reason=step[3])
    ticket.refresh_from_db()


def _local(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _backdate(ticket: Ticket, days: int) -> None:
    """Spread the request's history over the past days, keeping its order."""
    shift = timedelta(days=days)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=F("created_at") - shift, last_activity_at=F("last_activity_at") - shift
    )
    for model in (Message, Event, Notification):
        model.objects.filter(ticket=ticket).update(created_at=F("created_at") - shift)
    Ticket.objects.filter(pk=ticket.pk, concluded_at__isnull=False).update(
        concluded_at=F("concluded_at") - shift
    )
    for field in ("closed_at", "handed_back_at"):
        Ticket.objects.filter(pk=ticket.pk, **{f"{field}__isnull": False}).update(
            **{field: F(field) - shift}
        )
    clocks = Clock.objects.filter(ticket=ticket)
    clocks.update(started_at=F("started_at") - shift)
    for field in ("due_at", "stopped_at", "warned_soon_at", "warned_late_at"):
        # The delivery promise is a date the client chose, not a time to shift.
        clocks.filter(**{f"{field}__isnull": False}).exclude(
            kind=Clock.Kind.DELIVERY, state=Clock.State.RUNNING
        ).update(**{field: F(field) - shift})


def _answers(service: Service, by_label: dict[str, object]) -> dict[int, object]:
    """A script's answers by field id; a number for a date means that many days ahead."""
    fields = {field.label: field for field in service.intake_fields.filter(is_active=True)}
    answers: dict[int, object] = {}
    for label, value in by_label.items():
        if label in fields:  # an admin may have removed it since
            if isinstance(value, int):
                value = timezone.localdate() + timedelta(days=value)
            answers[fields[label].pk] = value
    return answers


def _load_tickets() -> None:
    today = timezone.localdate()
    for script in REQUEST_SCRIPTS:
        service = Service.objects.get(name=script["service"])
        ticket = ticket_open(
            author=_user(script["by"]),
            subject=script["subject"],
            department=Department.objects.get(name=script["department"]),
            service=service,
            priority=Priority.objects.get(name=script["priority"]),
            body=script["body"],
            deadline=today + timedelta(days=script["due_in"]),
            files=[_file(name) for name in script["files"]],
            answers=_answers(service, script.get("answers", {})),
        )
        for step in script["steps"]:
            _run_step(ticket, step)
        _backdate(ticket, script["days_ago"])


class Command(BaseCommand):
    help = "Load the demo data (departments, services, priorities, people). Safe to run twice."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Only load when the database has no users yet"
        )

    def handle(self, *args, if_empty: bool, **options) -> None:
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users: demo data not loaded again.")
            people = PEOPLE
        else:
            people = load_demo()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Demo logins (unless changed since):")
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        for person in people:
            where = f" — {person.company}" if person.company else ""
            self.stdout.write(f"  {person.role:<8} {person.email:<22} {person.name}{where}")
