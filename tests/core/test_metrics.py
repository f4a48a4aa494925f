"""/metrics (portal/core/metrics.py and the gauges the apps register): off without
METRICS_TOKEN, for its bearer only, and the series Prometheus reads."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client.parser import text_string_to_metric_families

from portal.accounts.services import contact_invite
from portal.core.metrics import GAUGES, METRICS_CONTENT_TYPE
from portal.notifications.models import OutboundEmail
from portal.webhooks.models import Delivery, WebhookEvent
from portal.webhooks.services import endpoint_ping, endpoint_save
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-metrics-token"
SERIES = [
    "portal_http_request_duration_seconds",
    "portal_emails_queued",
    "portal_emails_failed",
    "portal_tasks_oldest_queued_age_seconds",
    "portal_webhook_deliveries_failed",
    "portal_commitments_at_risk",
    "portal_commitments_missed",
]


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample, by name and labels."""
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def responses(samples, view: str, status: str) -> float:
    key = ("portal_http_request_duration_seconds_count", (("status", status), ("view", view)))
    return samples.get(key, 0.0)


def test_it_is_off_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer"]
)
def test_it_answers_401_without_the_token(client, token, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"portal_" not in response.content


def test_it_lists_every_series(client, token):
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"] == METRICS_CONTENT_TYPE
    assert "no-store" in response["Cache-Control"]
    names = {family.name for family in text_string_to_metric_families(response.content.decode())}
    assert set(SERIES) <= names


def test_latency_is_recorded_per_view_and_status(client, token, contact_a):
    before = scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    client.get("/nowhere/at/all")
    client.force_login(contact_a)
    client.get("/atendimento/999999/")
    after = scrape(client)
    assert responses(after, "core:healthz", "200") - responses(before, "core:healthz", "200") == 2
    assert responses(after, "unmatched", "404") - responses(before, "unmatched", "404") == 1
    assert responses(after, "tickets:detail", "404") - responses(before, "tickets:detail", "404")
    # The scrape before this one counts too, under its own name.
    assert responses(after, "core:metrics", "200") >= 1
    # Never the raw path: no label holds a URL.
    assert not any("/" in value for (_, labels) in after for _, value in labels)


def test_the_gauges_read_the_outbox_the_queue_webhooks_and_commitments(
    client, token, company_a, contact_a, admin_user, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    contact_invite(company=company_a, email="um@acme.test", name="Um")
    contact_invite(company=company_a, email="dois@acme.test", name="Dois")
    contact_invite(company=company_a, email="tres@acme.test", name="Três")
    first, second, third = OutboundEmail.objects.order_by("pk")
    OutboundEmail.objects.filter(pk__in=[first.pk, second.pk]).update(
        status=OutboundEmail.Status.QUEUED
    )
    OutboundEmail.objects.filter(pk=third.pk).update(status=OutboundEmail.Status.FAILED)
    endpoint = endpoint_save(
        endpoint=None, actor=admin_user, url="http://127.0.0.1:9/", events=[WebhookEvent.OPENED]
    )
    delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="portal.notifications.tasks.deliver_email",
        backend_name="default",
        run_after=get_date_max(),
    )
    open_ticket(contact_a)  # first response due in 24 hours, delivery in 7 days

    with time_machine.travel(timezone.now() + timedelta(hours=21)):
        at_risk = scrape(client)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        missed = scrape(client)

    assert at_risk[("portal_emails_queued", ())] == 2
    assert at_risk[("portal_emails_failed", ())] == 1
    assert at_risk[("portal_webhook_deliveries_failed", ())] == 1
    assert 21 * 3600 <= at_risk[("portal_tasks_oldest_queued_age_seconds", ())] < 22 * 3600
    assert at_risk[("portal_commitments_at_risk", (("kind", "first_response"),))] == 1
    assert at_risk[("portal_commitments_missed", (("kind", "first_response"),))] == 0
    assert at_risk[("portal_commitments_at_risk", (("kind", "delivery"),))] == 0
    assert missed[("portal_commitments_at_risk", (("kind", "first_response"),))] == 0
    assert missed[("portal_commitments_missed", (("kind", "first_response"),))] == 1


def test_an_empty_portal_reports_zeros(client, token):
    samples = scrape(client)
    assert samples[("portal_emails_queued", ())] == 0
    assert samples[("portal_tasks_oldest_queued_age_seconds", ())] == 0
    assert samples[("portal_commitments_missed", (("kind", "delivery"),))] == 0


def test_a_scrape_costs_the_same_queries_however_much_data(client, token, contact_a):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            scrape(client)
        return len(captured)

    empty = queries()
    for _ in range(3):
        open_ticket(contact_a)
    assert queries() == empty == 7
    assert len(GAUGES) == 6


# --- Several gunicorn workers: PROMETHEUS_MULTIPROC_DIR


def run_in_new_process(code: str, multiproc_dir: Path) -> str:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings_test",
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir),
    }
    prelude = "import django; django.setup()\n"
    finished = subprocess.run(
        [sys.executable, "-c", prelude + code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return finished.stdout


def test_with_a_multiprocess_directory_a_scrape_adds_up_every_process(
    client, token, tmp_path, monkeypatch
):
    # Two "workers" answer a request each; this process answers the scrape.
    answer = "from django.test import Client; Client().get('/nowhere')\n"
    run_in_new_process(answer, tmp_path)
    run_in_new_process(answer, tmp_path)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    samples = scrape(client)
    assert responses(samples, "unmatched", "404") == 2
    assert samples[("portal_emails_queued", ())] == 0
