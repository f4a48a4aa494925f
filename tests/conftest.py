"""The fixed cast every test can rely on: a contact of company A, one of company B,
an agent and an admin (healthchecks' habit of testing every view's access by default)."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.support.factories import AgentFactory, CompanyFactory, ContactFactory
from tests.support.s3 import s3_bucket, s3_server  # noqa: F401 - fixtures for the storage tests


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def company_a(db):
    return CompanyFactory(name="ACME Alimentos")


@pytest.fixture
def company_b(db):
    return CompanyFactory(name="Boreal Turismo")


@pytest.fixture
def contact_a(company_a):
    return ContactFactory(company=company_a, email="ana@acme.test", name="Ana Souza")


@pytest.fixture
def contact_b(company_b):
    return ContactFactory(company=company_b, email="marina@boreal.test", name="Marina Costa")


@pytest.fixture
def agent(db):
    return AgentFactory(email="bruno@zweiarts.test", name="Bruno Agente")


@pytest.fixture
def admin_user(db):
    return AgentFactory(email="helena@zweiarts.test", name="Helena Admin", role="admin")


@pytest.fixture
def outbox():
    """The e-mails delivered so far (tasks run immediately in tests)."""
    return mail.outbox


@pytest.fixture
def catalog(db):
    """The guide's catalogue: departments, services and priorities."""
    from portal.tickets.models import Department, Priority, Service
    from tools.demo import DEPARTMENTS, PRIORITIES, SERVICES, load_catalog

    load_catalog(Department, DEPARTMENTS)
    load_catalog(Service, SERVICES)
    load_catalog(Priority, PRIORITIES)
    return {
        "department": Department.objects.get(name="Atendimento"),
        "service": Service.objects.get(name="Redes Sociais"),
        "priority": Priority.objects.get(name="Alta"),
    }


# A colleague of contact_a who reads English, and one narrowed to the tickets she opened.


@pytest.fixture
def john(company_a):
    return ContactFactory(
        company=company_a, email="john@acme.test", name="John Smith", language="en"
    )


@pytest.fixture
def nara(company_a):
    return ContactFactory(
        company=company_a, email="nara@acme.test", name="Nara Lima", sees_own_requests_only=True
    )
