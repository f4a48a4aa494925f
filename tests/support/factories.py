from __future__ import annotations

import factory

from portal.accounts.models import Role, User
from portal.companies.models import Company

TEST_PASSWORD = "correct-horse-battery-staple"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Company {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    name = factory.Faker("name", locale="pt_BR")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ContactFactory(UserFactory):
    role = Role.CONTACT
    company = factory.SubFactory(CompanyFactory)


class AgentFactory(UserFactory):
    role = Role.AGENT
    company = None


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tickets.Department"
        django_get_or_create = ("name",)

    name = "Atendimento"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tickets.Service"
        django_get_or_create = ("name",)

    name = "Redes Sociais"


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tickets.Priority"
        django_get_or_create = ("name",)

    name = "Média"


def open_ticket(author, *, subject="Post para o Instagram", body="Detalhes do pedido.", files=()):
    """A request opened the way a client opens one, through the use case."""
    import datetime

    from django.utils import timezone

    from portal.tickets.services import ticket_open

    return ticket_open(
        author=author,
        subject=subject,
        department=DepartmentFactory(),
        service=ServiceFactory(),
        priority=PriorityFactory(),
        body=body,
        deadline=timezone.localdate() + datetime.timedelta(days=7),
        files=files,
    )


def agree_deadline(ticket, *, agent, contact, deadline, reason="Mais tempo para as fotos."):
    """A new Prazo the way it moves now: the team proposes it and the client accepts."""
    from portal.tickets.deadlines import deadline_proposal_answer, deadline_propose

    proposal = deadline_propose(ticket=ticket, actor=agent, deadline=deadline, reason=reason)
    deadline_proposal_answer(proposal=proposal, actor=contact, accept=True)
    ticket.refresh_from_db()
    return proposal


def propose_meeting(ticket, *, agent, days=(2,), hour=10, minutes=60, place="https://meet.test/x"):
    """A meeting proposed the way an agent proposes one, which puts the ticket in STAND BY."""
    import datetime

    from django.utils import timezone

    from portal.tickets.meetings import Slot, meeting_propose

    today = timezone.localdate()
    slots = [
        Slot(
            timezone.make_aware(
                datetime.datetime.combine(today + datetime.timedelta(days=d), datetime.time(hour))
            ),
            minutes,
        )
        for d in days
    ]
    meeting = meeting_propose(ticket=ticket, actor=agent, slots=slots, place=place)
    ticket.refresh_from_db()
    return meeting


def legacy_invited_contact(
    company, *, email="novo@acme.test", password="Temporaria-K7p2", hours=72
):
    """A contact invited by an earlier version, with a temporary password it e-mailed:
    such people still sign in with it (until it expires) and must then choose their own."""
    import datetime

    from django.utils import timezone

    user = ContactFactory(company=company, email=email, name="Nova Pessoa")
    user.set_password(password)
    user.must_change_password = True
    user.temporary_password_expires_at = timezone.now() + datetime.timedelta(hours=hours)
    user.save()
    return user
