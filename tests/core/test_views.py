"""The core pages (portal/core/views.py): home, which leads each person to their list, and
the health check."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


# --- Home


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_home_leads_a_contact_to_atendimento_and_staff_to_the_queue(client, contact_a, agent):
    client.force_login(contact_a)
    response = client.get(reverse("core:home"), follow=True)
    assert response.redirect_chain == [(reverse("tickets:list"), 302)]
    assert "ATENDIMENTO" in response.content.decode()
    client.force_login(agent)
    assert client.get(reverse("core:home"))["Location"] == reverse("workspace:queue")


# --- The health check


def test_it_is_ok_when_the_database_and_the_queue_are(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == {"status": "ok"}
    assert response.json()["task_queue"]["status"] == "ok"


def test_it_answers_503_when_the_database_is_down(client):
    with mock.patch("portal.core.health.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"status": "down"}


def test_it_answers_503_when_no_worker_takes_the_waiting_tasks(client, settings):
    settings.HEALTHZ_QUEUE_MAX_AGE_SECONDS = 60
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="portal.notifications.tasks.deliver_email",
        backend_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=5)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["task_queue"]["status"] == "stalled"
    assert response.json()["task_queue"]["waiting"] == 1


def test_it_answers_503_when_the_queue_cannot_be_read(client):
    with mock.patch(
        "portal.core.health.DBTaskResult.objects.ready", side_effect=DatabaseError("gone")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["task_queue"] == {"status": "down"}
