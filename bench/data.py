"""A large, deterministic data set for the benchmark (``manage.py seed_bench``).

Years of an agency's work in minutes: companies, contacts, agents, requests in every
status with their messages, internal notes, timeline events, attachment records and
commitment clocks. It writes with ``bulk_create`` in batches, one transaction per
batch, instead of going through the use cases (which would take hours), but it
writes what they would have written: numbers in sequence with the request counter
moved past them, statuses with their events, concluded and closed times, the last
activity, clocks met, missed, running or paused.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from portal.accounts.models import Role, User
from portal.commitments.models import Clock
from portal.companies.models import Company
from portal.tickets import search_schema
from portal.tickets.models import (
    Attachment,
    Counter,
    Department,
    Event,
    Message,
    Priority,
    Service,
    Status,
    Ticket,
)
from tools import demo_files
from tools.demo import DEPARTMENTS, PRIORITIES, SERVICES, load_catalog

BENCH_PASSWORD = "bench-zwei-2026"  # noqa: S105 - documented benchmark login
BENCH_CONTACT = "bench-contact@bench.test"
BENCH_AGENT = "bench-agent@zweiarts.test"
BENCH_COMPANY = "Bench Alimentos"
# The ticket the benchmark opens for "a ticket page with 50 messages".
LONG_SUBJECT = "Campanha anual — conversa longa (50 mensagens)"
LONG_MESSAGES = 50
SHARED_FILE = "bench/briefing.pdf"
SEED = 20_260_101
BENCH_COMPANY_SHARE = 0.05  # the bench contact's company has 5% of all tickets
AGENTS = 20
BATCH_REQUESTS = 2000  # tickets (with their rows) per transaction
CONTACTS_PER_COMPANY = 3
YEARS = 3

FIRST_NAMES = ["Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabriela", "Heitor", "Iara",
               "João", "Karina", "Lucas", "Marina", "Nuno", "Olívia", "Pedro", "Quésia", "Rafael",
               "Sofia", "Tiago", "Úrsula", "Vítor"]  # fmt: skip
LAST_NAMES = ["Souza", "Lima", "Costa", "Alves", "Pereira", "Ribeiro", "Carvalho", "Gomes",
              "Martins", "Araújo", "Rocha", "Barbosa", "Teixeira", "Moreira"]  # fmt: skip
ACTIONS = ["Atualizar", "Criar", "Revisar", "Corrigir", "Publicar", "Enviar", "Ajustar",
           "Traduzir", "Agendar", "Trocar"]  # fmt: skip
THINGS = [
    "banner da home", "post para o Instagram", "relatório mensal", "layout do e-mail marketing",
    "página de produtos", "boleto de novembro", "nota fiscal", "logotipo", "campanha de Natal",
    "vídeo institucional", "catálogo de serviços", "formulário de contato",
    "apresentação comercial", "cardápio digital", "site institucional", "anúncio no Google",
    "stories da semana", "folder da feira", "assinatura de e-mail", "landing page",
]  # fmt: skip
# Campaign names make rarer words, as real tickets have: "Tacaré", "Murivó", …
SYLLABLES = ["ta", "ca", "ré", "mu", "ri", "vó", "lu", "na", "po", "ra", "ju", "ci", "bé", "tu",
             "ma", "xi"]  # fmt: skip
CAMPAIGN_SHARE = 0.4  # of tickets name a campaign
# The bench contact's company runs one campaign often: what the benchmark searches for.
BENCH_CAMPAIGN = "Maré"
BENCH_CAMPAIGN_SHARE = 0.01
QUALIFIERS = ["", "", "", "urgente", "de verão", "para a feira", "da filial", "do lançamento",
              "em inglês", "— segunda versão", "para a Black Friday", "do mês"]  # fmt: skip
CLIENT_LINES = [
    "Olá! Precisamos do {thing} até o fim da semana.",
    "Segue em anexo o briefing com as informações do {thing}.",
    "Podem ajustar as cores do {thing}? O tom de azul ficou escuro.",
    "Recebemos a prévia, está quase tudo certo.",
    "Faltou incluir o endereço da nova filial no rodapé.",
    "A diretoria aprovou, podem seguir.",
    "Conseguem enviar uma versão com fundo branco?",
    "As fotos dos produtos estão na pasta compartilhada do Drive.",
    "Precisamos trocar o texto do título, o preço mudou.",
    "Obrigado pelo retorno rápido!",
    "O {thing} precisa sair antes do lançamento.",
    "Vocês conseguem mandar o arquivo em alta resolução?",
]  # fmt: skip
TEAM_LINES = [
    "Recebido! Já estamos trabalhando no {thing}.",
    "Segue a prévia do {thing}. Vocês aprovam ou querem algum ajuste?",
    "Ajustes feitos conforme pedido, confiram por favor.",
    "Publicado! Qualquer correção é só avisar.",
    "Precisamos das imagens em melhor qualidade para seguir.",
    "O relatório com os números do mês está em anexo.",
    "Agendamos a publicação para segunda-feira às 10h.",
    "Ficamos aguardando a aprovação para finalizar.",
    "Enviamos a nova versão com as alterações de texto.",
    "Corrigimos o link do formulário, podem testar?",
]  # fmt: skip
INTERNAL_LINES = [
    "Cliente pediu urgência, priorizar na pauta de amanhã.",
    "Conferir com o financeiro antes de responder.",
    "Arquivo original está no servidor, pasta do cliente.",
    "Designer de férias, redistribuir se atrasar.",
]  # fmt: skip


class BenchDataError(Exception):
    pass


@dataclass
class SeedReport:
    tickets: int = 0
    messages: int = 0
    events: int = 0
    attachments: int = 0
    clocks: int = 0
    seconds: float = 0.0
    long_ticket: int | None = None
    first_number: int = 0
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Ids:
    """The next primary key of each table: rows get explicit ids, so one bulk insert
    needs no RETURNING and the batches can refer to each other."""

    ticket: int
    message: int
    event: int
    attachment: int
    clock: int

    @classmethod
    def after_existing(cls) -> _Ids:
        def next_id(model) -> int:
            return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

        return cls(
            next_id(Ticket), next_id(Message), next_id(Event), next_id(Attachment), next_id(Clock)
        )


@dataclass
class _Cast:
    companies: list[Company]
    bench_company: Company
    contacts: dict[int, list[User]]  # company id -> contacts
    agents: list[User]
    bench_contact: User
    bench_agent: User
    departments: list[Department]
    services: list[Service]
    priorities: list[Priority]


def _adapter(field):
    """How one column's Python values become database values (cheap for most types)."""
    if field.get_internal_type() in ("DateTimeField", "DateField", "JSONField"):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _insert(model, rows: list[dict]) -> None:
    """INSERT many rows with executemany: Django's bulk_create spends most of its time
    compiling SQL for each object, which for millions of rows means minutes. Columns
    a row does not give take the field's default, as bulk_create would."""
    if not rows:
        return
    given = rows[0].keys()
    columns, plan = [], []
    for column in model._meta.concrete_fields:
        columns.append(connection.ops.quote_name(column.column))
        if column.attname in given:
            plan.append((column.attname, _adapter(column), None))
        else:
            plan.append((None, None, column.get_db_prep_save(column.get_default(), connection)))
    values = [
        tuple(
            (adapt(row[name]) if adapt else row[name]) if name else constant
            for name, adapt, constant in plan
        )
        for row in rows
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start : start + 5000])


@dataclass
class _Batch:
    tickets: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    clocks: list[dict] = field(default_factory=list)

    def save(self, report: SeedReport) -> None:
        with transaction.atomic():
            _insert(Ticket, self.tickets)
            _insert(Message, self.messages)
            _insert(Event, self.events)
            _insert(Attachment, self.attachments)
            _insert(Clock, self.clocks)
        report.tickets += len(self.tickets)
        report.messages += len(self.messages)
        report.events += len(self.events)
        report.attachments += len(self.attachments)
        report.clocks += len(self.clocks)
        for ticket in self.tickets:
            key = "closed" if ticket["closed_at"] else ticket["status"]
            report.counts[key] = report.counts.get(key, 0) + 1


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _ensure_users(rows: list[tuple[str, str, str, Company | None]], password: str) -> None:
    """Create the (email, name, role, company) people that do not exist yet."""
    existing = set(
        User.objects.filter(email__in=[r[0] for r in rows]).values_list("email", flat=True)
    )
    User.objects.bulk_create(
        [
            User(email=email, name=name, role=role, company=company, password=password)
            for email, name, role, company in rows
            if email not in existing
        ],
        batch_size=500,
    )


def _cast(rng: random.Random, total: int) -> _Cast:
    load_catalog(Department, DEPARTMENTS)
    load_catalog(Service, SERVICES)
    load_catalog(Priority, PRIORITIES)
    company_names = [BENCH_COMPANY] + [f"Cliente {n:04d}" for n in range(1, max(5, total // 500))]
    existing = set(Company.objects.filter(name__in=company_names).values_list("name", flat=True))
    Company.objects.bulk_create([Company(name=n) for n in company_names if n not in existing])
    companies = list(Company.objects.filter(name__in=company_names).order_by("pk"))
    bench_company = next(c for c in companies if c.name == BENCH_COMPANY)
    # One hash for everyone: hashing 600 passwords with Argon2 would take a minute.
    password = make_password(BENCH_PASSWORD)
    rows: list[tuple[str, str, str, Company | None]] = [
        (BENCH_AGENT, "Bench Agente", Role.AGENT, None),
        (BENCH_CONTACT, "Bench Contato", Role.CONTACT, bench_company),
    ]
    rows += [
        (f"agente{n:02d}@zweiarts.test", _person(rng), Role.AGENT, None) for n in range(AGENTS)
    ]
    for company in companies:
        slug = "bench" if company == bench_company else company.name.split()[-1]
        for n in range(CONTACTS_PER_COMPANY):
            rows.append((f"contato{n}@cliente-{slug}.test", _person(rng), Role.CONTACT, company))
    _ensure_users(rows, password)
    contacts: dict[int, list[User]] = {}
    for contact in User.objects.filter(company__in=companies).order_by("pk"):
        contacts.setdefault(contact.company_id, []).append(contact)
    agents = list(
        User.objects.filter(role=Role.AGENT, email__endswith="@zweiarts.test").order_by("pk")
    )
    return _Cast(
        companies=companies,
        bench_company=bench_company,
        contacts=contacts,
        agents=agents,
        bench_contact=User.objects.get(email=BENCH_CONTACT),
        bench_agent=User.objects.get(email=BENCH_AGENT),
        departments=list(Department.objects.order_by("position")),
        services=list(Service.objects.order_by("position")),
        priorities=list(Priority.objects.order_by("position")),
    )


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max, ZoneInfo(settings.TIME_ZONE))


class _TicketWriter:
    """Builds one request and everything that hangs from it, as the use cases would."""

    def __init__(self, rng, cast: _Cast, ids: _Ids, now: datetime.datetime, out) -> None:
        self.rng, self.cast, self.ids, self.now, self.out = rng, cast, ids, now, out

    def _final_status(self, age: datetime.timedelta) -> tuple[str, bool]:
        """(status, closed) for a request of this age: old ones are mostly done and closed."""
        roll = self.rng.random()
        if age > datetime.timedelta(days=45):
            return (Status.DONE, True) if roll < 0.97 else (Status.STAND_BY, False)
        for status, share in (
            (Status.OPEN, 0.25),
            (Status.IN_PROGRESS, 0.55),
            (Status.WAITING_CLIENT, 0.70),
            (Status.STAND_BY, 0.75),
        ):
            if roll < share:
                return status, False
        return Status.DONE, None  # closed when concluded long enough ago

    def _message(self, batch, ticket, author, at, body, internal=False) -> dict:
        message = {
            "id": self.ids.message, "ticket_id": ticket["id"], "author_id": author.pk,
            "body": body, "is_internal": internal, "created_at": at,
        }  # fmt: skip
        self.ids.message += 1
        batch.messages.append(message)
        return message

    def _attach(self, batch, message: dict, name: str) -> None:
        batch.attachments.append(
            {
                "id": self.ids.attachment, "message_id": message["id"], "file": SHARED_FILE,
                "original_name": name, "content_type": "application/pdf", "size": 1024,
                "created_at": message["created_at"],
            }
        )  # fmt: skip
        self.ids.attachment += 1

    def _event(self, batch, ticket, kind, actor, at, **data) -> None:
        batch.events.append(
            {
                "id": self.ids.event, "ticket_id": ticket["id"], "kind": kind,
                "actor_id": actor.pk if actor else None, "data": data, "created_at": at,
            }
        )  # fmt: skip
        self.ids.event += 1

    def _clock(self, batch, ticket, kind, **fields) -> None:
        row = {"id": self.ids.clock, "ticket_id": ticket["id"], "kind": kind, "due_at": None,
               "remaining_seconds": None, "stopped_at": None, "warned_soon_at": None,
               "warned_late_at": None}  # fmt: skip
        batch.clocks.append(row | fields)
        self.ids.clock += 1
        # The ticket keeps its first running clock's due time, as the tracking does.
        due, first = fields.get("due_at"), ticket.get("next_due_at")
        running = fields.get("state") == Clock.State.RUNNING and due is not None
        if running and (first is None or due < first):
            ticket["next_due_at"], ticket["next_due_kind"] = due, kind

    def write(
        self,
        batch: _Batch,
        *,
        number: int,
        created_at: datetime.datetime,
        company: Company,
        messages: int,
        subject: str | None = None,
        status: str | None = None,
        opener: User | None = None,
        assignee: User | None = None,
        attachments_every: int = 0,
    ) -> dict:
        rng, cast = self.rng, self.cast
        thing = rng.choice(THINGS)
        campaign = None
        if company == cast.bench_company and rng.random() < BENCH_CAMPAIGN_SHARE:
            campaign = BENCH_CAMPAIGN
        elif rng.random() < CAMPAIGN_SHARE:
            campaign = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        qualifier = f"— campanha {campaign}" if campaign else rng.choice(QUALIFIERS)
        subject = subject or " ".join(filter(None, [rng.choice(ACTIONS), thing, qualifier]))
        opener = opener or rng.choice(cast.contacts[company.pk])
        closed = False
        if status is None:
            status, closed = self._final_status(self.now - created_at)
        if status != Status.OPEN and assignee is None:
            assignee = cast.bench_agent if rng.random() < 0.1 else rng.choice(cast.agents)
        deadline = (created_at + datetime.timedelta(days=rng.randint(2, 30))).date()
        ticket = {
            "id": self.ids.ticket, "number": number, "company_id": company.pk,
            "opened_by_id": opener.pk, "subject": subject,
            "department_id": rng.choice(cast.departments).pk,
            "service_id": rng.choice(cast.services).pk,
            "priority_id": rng.choice(cast.priorities).pk,
            "deadline": deadline, "original_deadline": deadline, "status": status,
            "assignee_id": assignee.pk if assignee else None, "created_at": created_at,
            "last_activity_at": created_at, "concluded_at": None, "closed_at": None,
            "next_due_at": None, "next_due_kind": "",
        }  # fmt: skip
        self.ids.ticket += 1
        batch.tickets.append(ticket)

        # The conversation, in time order; the team only speaks once someone attends.
        span = max(self.now - created_at, datetime.timedelta(minutes=messages + 1))
        step = min(span / (messages + 2), datetime.timedelta(days=2))
        at = created_at
        first_answer = None
        for n in range(messages):
            at = created_at + step * n + datetime.timedelta(seconds=rng.randint(0, 59))
            team = assignee is not None and n % 2 == 1
            if team and rng.random() < 0.15:
                body = rng.choice(INTERNAL_LINES)
                message = self._message(batch, ticket, assignee, at, body, internal=True)
            elif team:
                body = rng.choice(TEAM_LINES).format(thing=thing)
                message = self._message(batch, ticket, assignee, at, body)
                first_answer = first_answer or at
            else:
                lines = rng.sample(CLIENT_LINES, rng.randint(1, 3))
                body = " ".join(lines).format(thing=thing)
                if campaign and n == 0:
                    body = f"Campanha {campaign}: {body}"
                message = self._message(batch, ticket, opener, at, body)
            if (attachments_every and n % attachments_every == 0) or (
                not attachments_every and rng.random() < 0.15
            ):
                self._attach(batch, message, f"arquivo-{number}-{n}.pdf")

        self._event(batch, ticket, Event.Kind.OPENED, opener, created_at)
        if assignee is not None:
            assigned_at = created_at + datetime.timedelta(minutes=1)
            self._event(batch, ticket, Event.Kind.ASSIGNED, assignee, assigned_at,
                        **{"from": None, "to": assignee.name})  # fmt: skip
        last = at
        previous = Status.OPEN
        for next_status in self._path(status):
            last = last + datetime.timedelta(minutes=rng.randint(5, 600))
            last = min(last, self.now - datetime.timedelta(minutes=1))
            self._event(batch, ticket, Event.Kind.STATUS_CHANGED, assignee, last,
                        **{"from": previous, "to": next_status})  # fmt: skip
            previous = next_status
        ticket["last_activity_at"] = max(last, at)
        if status == Status.DONE:
            ticket["concluded_at"] = last
            if closed is None:  # recent: closed when the confirmation period is over
                closed = self.now - last > datetime.timedelta(days=settings.REQUEST_AUTO_CLOSE_DAYS)
            if closed:
                confirmed = rng.random() < 0.6
                closed_at = last + datetime.timedelta(
                    days=rng.randint(0, 2) if confirmed else settings.REQUEST_AUTO_CLOSE_DAYS
                )
                ticket["closed_at"] = closed_at = min(closed_at, self.now)
                if confirmed:
                    self._event(batch, ticket, Event.Kind.CONFIRMED, opener, closed_at)
                    ticket["last_activity_at"] = closed_at
                else:
                    self._event(batch, ticket, Event.Kind.AUTO_CLOSED, None, closed_at)
        self._clocks(batch, ticket, first_answer)
        return ticket

    @staticmethod
    def _path(status: str) -> list[str]:
        if status == Status.OPEN:
            return []
        if status == Status.IN_PROGRESS:
            return [Status.IN_PROGRESS]
        return [Status.IN_PROGRESS, status]

    def _clocks(self, batch, ticket: dict, first_answer) -> None:
        day = datetime.timedelta(hours=settings.COMMITMENT_FIRST_RESPONSE_HOURS)
        started = ticket["created_at"]
        first_due = started + day
        status, concluded_at = ticket["status"], ticket["concluded_at"]
        paused = status in settings.COMMITMENT_PAUSED_STATUSES
        if first_answer is not None:
            state = Clock.State.MET if first_answer <= first_due else Clock.State.MISSED
            self._clock(batch, ticket, Clock.Kind.FIRST_RESPONSE, state=state,
                        started_at=started, due_at=first_due, stopped_at=first_answer)  # fmt: skip
        elif status == Status.DONE:
            self._clock(batch, ticket, Clock.Kind.FIRST_RESPONSE, state=Clock.State.MET,
                        started_at=started, due_at=first_due, stopped_at=concluded_at)  # fmt: skip
        elif paused:
            self._clock(batch, ticket, Clock.Kind.FIRST_RESPONSE, state=Clock.State.PAUSED,
                        started_at=started, remaining_seconds=3600)  # fmt: skip
        else:
            self._clock(batch, ticket, Clock.Kind.FIRST_RESPONSE, state=Clock.State.RUNNING,
                        started_at=started, due_at=first_due)  # fmt: skip
        delivery_due = _end_of_day(ticket["deadline"])
        if status == Status.DONE:
            state = Clock.State.MET if concluded_at <= delivery_due else Clock.State.MISSED
            self._clock(batch, ticket, Clock.Kind.DELIVERY, state=state, started_at=started,
                        due_at=delivery_due, stopped_at=concluded_at)  # fmt: skip
        else:
            # Waiting does not move the delivery date (COMMITMENT_PAUSE_DELIVERY off).
            self._clock(batch, ticket, Clock.Kind.DELIVERY, state=Clock.State.RUNNING,
                        started_at=started, due_at=delivery_due)  # fmt: skip


def _shared_file() -> None:
    """The one small file every attachment record of the benchmark points at."""
    storage = Attachment._meta.get_field("file").storage
    if not storage.exists(SHARED_FILE):
        storage.save(SHARED_FILE, ContentFile(demo_files.pdf("Briefing (benchmark)")))


@contextmanager
def _bulk_mode() -> Iterator[None]:
    """SQLite: a bigger page cache, and the search index built once at the end instead
    of row by row by its triggers (which is many times slower for millions of rows)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
        for trigger in search_schema.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in search_schema.SQLITE_FORWARD + search_schema.SQLITE_REBUILD:
                cursor.execute(statement)


def _reset_sequences() -> None:
    """Rows were written with explicit ids: move PostgreSQL's sequences past them."""
    models = [Company, User, Ticket, Message, Event, Attachment, Clock]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def seed(
    *,
    tickets: int,
    messages_per_ticket: int,
    force: bool = False,
    out: Callable[[str], None] = print,
    seed_value: int = SEED,
) -> SeedReport:
    """Fill the database with ``requests`` requests (one of them with 50 messages)."""
    if Ticket.objects.exists() and not force:
        raise BenchDataError(
            "The database already has requests; use --force to add the benchmark data anyway."
        )
    started = time.monotonic()
    rng = random.Random(seed_value)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    cast = _cast(rng, tickets)
    _shared_file()
    ids = _Ids.after_existing()
    counter, _ = Counter.objects.get_or_create(name="ticket")
    first = counter.value + 1
    writer = _TicketWriter(rng, cast, ids, now, out)
    report = SeedReport(first_number=first)
    out(f"Seeding {tickets:,} requests, {messages_per_ticket} messages each (seed {seed_value})…")
    with _bulk_mode():
        _write_all(writer, report, tickets, messages_per_ticket, first)
        if connection.vendor == "sqlite":
            out(f"  building the search index · {time.monotonic() - started:6.1f} s")
    Counter.objects.filter(name="ticket").update(value=first + tickets - 1)
    _reset_sequences()
    out(f"  updating the planner's statistics · {time.monotonic() - started:6.1f} s")
    with connection.cursor() as cursor:
        # VACUUM also folds the GIN indexes' pending entries into the indexes.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    report.seconds = time.monotonic() - started
    return report


def _write_all(
    writer: _TicketWriter, report: SeedReport, tickets: int, messages_per_ticket: int, first: int
) -> None:
    """Requests spread over the last years, oldest first, and the long one at the end."""
    rng, cast, now = writer.rng, writer.cast, writer.now
    started = time.monotonic()
    span = datetime.timedelta(days=365 * YEARS)
    start_at = now - span
    others = [c for c in cast.companies if c != cast.bench_company]
    batch = _Batch()
    regular = tickets - 1
    for index in range(regular):
        created_at = start_at + span * (index / max(regular, 1))
        created_at += datetime.timedelta(seconds=rng.randint(0, 600))
        company = cast.bench_company if rng.random() < BENCH_COMPANY_SHARE else rng.choice(others)
        writer.write(
            batch, number=first + index, created_at=created_at, company=company,
            messages=messages_per_ticket,
        )  # fmt: skip
        if len(batch.tickets) >= BATCH_REQUESTS:
            batch.save(report)
            batch = _Batch()
            writer.out(f"  {report.tickets:>9,} requests, {report.messages:>10,} messages · "
                       f"{time.monotonic() - started:6.1f} s")  # fmt: skip
    long_ticket = writer.write(
        batch, number=first + regular, created_at=now - datetime.timedelta(days=20),
        company=cast.bench_company, messages=LONG_MESSAGES, subject=LONG_SUBJECT,
        status=Status.IN_PROGRESS, opener=cast.bench_contact, assignee=cast.bench_agent,
        attachments_every=5,
    )  # fmt: skip
    batch.save(report)
    report.long_ticket = long_ticket["number"]
