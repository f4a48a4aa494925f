"""The request id (portal/core/observability.py, portal/lib/logs.py): in the response
header, on every log line of the request, and on the lines of the tasks it enqueued
when the worker runs them; the JSON log format."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from portal.core.observability import HEADER, RequestIdMiddleware
from portal.lib.addresses import parse_networks
from portal.lib.logs import JsonFormatter, RequestIdFilter, current_request_id, logging_config
from portal.lib.mailconfig import mailers_from_url
from portal.webhooks.models import WebhookEvent
from portal.webhooks.services import endpoint_save

PROXY = "10.0.0.2"
GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the configured console handler (the one with the request-id filter) writes."""
    [handler] = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in handler.filters)
    ]
    assert isinstance(handler, logging.StreamHandler)
    written = io.StringIO()
    previous = handler.setStream(written)
    yield written
    handler.setStream(previous)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = parse_networks([PROXY])


def closed_port() -> int:
    """A loopback port nothing listens on: connections to it are refused at once."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        return listener.getsockname()[1]


@pytest.mark.django_db
def test_every_response_carries_a_new_id(client):
    first = client.get("/healthz")[HEADER]
    second = client.get("/nowhere")[HEADER]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second


@pytest.mark.django_db
def test_the_id_of_a_trusted_proxy_is_kept(client, behind_proxy):
    response = client.get("/healthz", REMOTE_ADDR=PROXY, HTTP_X_REQUEST_ID="nginx-4711.a:b")
    assert response[HEADER] == "nginx-4711.a:b"


@pytest.mark.django_db
def test_an_id_from_anyone_else_is_replaced(client, behind_proxy):
    response = client.get("/healthz", REMOTE_ADDR="203.0.113.7", HTTP_X_REQUEST_ID="forged")
    assert GENERATED.fullmatch(response[HEADER])


@pytest.mark.django_db
@pytest.mark.parametrize("insane", ["a\nb", "x" * 129, "<script>", ""])
def test_an_insane_id_is_replaced_even_from_the_proxy(client, behind_proxy, insane):
    response = client.get("/healthz", REMOTE_ADDR=PROXY, HTTP_X_REQUEST_ID=insane)
    assert GENERATED.fullmatch(response[HEADER])


def test_lines_logged_while_serving_carry_the_id(console):
    def view(request):
        logging.getLogger("portal.test").warning("inside the request")
        return HttpResponse()

    response = RequestIdMiddleware(view)(RequestFactory().get("/"))
    logging.getLogger("portal.test").warning("after it")
    lines = console.getvalue().splitlines()
    assert f"[{response[HEADER]}]: inside the request" in lines[0]
    assert "[-]: after it" in lines[1]
    assert current_request_id.get() is None


# The worker opens its own connections, so these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_an_email_under_the_id_of_the_request_that_queued_it(
    client, agent, company_a, settings, console
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = mailers_from_url(
        f"smtp://127.0.0.1:{closed_port()}", mail_dir=Path("unused"), timeout=2
    )
    client.force_login(agent)
    response = client.post(
        reverse("companies:detail", args=[company_a.pk]),
        {"name": "Nova", "email": "nova@acme.test", "language": "pt-br"},
    )
    request_id = response[HEADER]
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs["request_id"] == request_id
    assert queued.task_result.kwargs == {} and len(queued.task_result.args) == 1

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    [line] = [line for line in console.getvalue().splitlines() if "not sent (attempt 1)" in line]
    assert f"[{request_id}]" in line
    # The retry the task enqueued carries the same id on.
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.args_kwargs["request_id"] == request_id
    assert current_request_id.get() is None


@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_a_webhook_under_the_id_of_the_request_that_queued_it(
    client, admin_user, settings, console
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint = endpoint_save(
        endpoint=None,
        actor=admin_user,
        url=f"http://127.0.0.1:{closed_port()}/hook",
        events=[WebhookEvent.OPENED],
    )
    client.force_login(admin_user)
    response = client.post(reverse("webhooks:test", args=[endpoint.pk]))
    request_id = response[HEADER]

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    [line] = [line for line in console.getvalue().splitlines() if "Webhook delivery" in line]
    assert "failed (attempt 1)" in line and f"[{request_id}]" in line


@pytest.mark.django_db(transaction=True)
def test_tasks_enqueued_outside_a_request_carry_no_id(settings, company_a):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from portal.accounts.services import contact_invite

    contact_invite(company=company_a, email="nova@acme.test", name="Nova Pessoa")
    assert "request_id" not in DBTaskResult.objects.get().args_kwargs


# --- LOG_FORMAT=json


def test_json_lines_have_time_level_logger_message_and_id(capsys):
    root = logging.getLogger()
    configured = root.handlers[:]
    logging.config.dictConfig(logging_config(log_format="json", level="INFO"))
    try:
        token = current_request_id.set("abc123")
        try:
            logging.getLogger("portal.test").warning("Olá %s", "mundo")
            try:
                raise ValueError("broken")
            except ValueError:
                logging.getLogger("portal.test").exception("It failed")
        finally:
            current_request_id.reset(token)
        logging.getLogger("portal.test").info("no request")
    finally:
        # The configured handlers back as they were (this test's writes to its capture).
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = configured
    first, failed, outside = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert first["message"] == "Olá mundo" and first["level"] == "WARNING"
    assert first["logger"] == "portal.test" and first["request_id"] == "abc123"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", first["time"])
    assert "exc_info" not in first
    assert failed["level"] == "ERROR" and "ValueError: broken" in failed["exc_info"]
    assert outside["request_id"] == "-"


def test_a_record_formats_as_one_json_line():
    record = logging.LogRecord("portal.x", logging.INFO, __file__, 1, 'two\nlines "q"', (), None)
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line)["message"] == 'two\nlines "q"'


def test_an_unknown_log_format_stops_the_start():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_config(log_format="xml", level="INFO")
