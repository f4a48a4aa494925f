"""A request id on every log line of a request, in its response, and in the tasks it
enqueued.

The middleware gives each request an id (the proxy's ``X-Request-ID`` when a trusted
proxy sent a sane one, so the proxy's log and ours match; a new one otherwise), keeps
it in the context variable the log filter reads (portal/lib/logs.py) and returns it
in the ``X-Request-ID`` header.

Tasks are rows written by django-tasks-db: a task enqueued while a request is served
gets the id in its row (next to its arguments, which the worker ignores beyond
``args`` and ``kwargs``), and the worker restores it before running the task, so the
e-mail delivered and the webhook sent later log under the id of the request that
caused them; a task enqueued by such a task carries it on (a retry, a chained task).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.tasks.signals import task_finished, task_started
from django_tasks_db.models import DBTaskResult

from portal.lib.addresses import from_trusted_proxy
from portal.lib.logs import current_request_id

HEADER = "X-Request-ID"
# What a proxy's id may look like (nginx's $request_id, a UUID, a trace id): anything
# else, such as a line break, never reaches a log line or a header.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# The key of a task row's args_kwargs that carries the id.
TASK_KEY = "request_id"


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        trusted = from_trusted_proxy(request) and _SANE_ID.fullmatch(incoming)
        request_id = incoming if trusted else new_request_id()
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response


@receiver(pre_save, sender=DBTaskResult, dispatch_uid="portal_task_request_id")
def _stamp_task(sender: Any, instance: DBTaskResult, **kwargs: Any) -> None:
    request_id = current_request_id.get()
    if request_id and instance._state.adding and isinstance(instance.args_kwargs, dict):
        instance.args_kwargs = {**instance.args_kwargs, TASK_KEY: request_id}


def _task_row(task_result: Any) -> DBTaskResult | None:
    """The row behind a task run by django-tasks-db's worker (other backends have none:
    the immediate one runs the task inside the request, whose id is already current)."""
    row = getattr(task_result, "db_result", None)
    return row if isinstance(row, DBTaskResult) else None


@receiver(task_started, dispatch_uid="portal_task_request_id_started")
def _restore_for_task(sender: Any, task_result: Any, **kwargs: Any) -> None:
    row = _task_row(task_result)
    if row is not None:
        arguments = row.args_kwargs if isinstance(row.args_kwargs, dict) else {}
        current_request_id.set(arguments.get(TASK_KEY) or None)


@receiver(task_finished, dispatch_uid="portal_task_request_id_finished")
def _forget_after_task(sender: Any, task_result: Any, **kwargs: Any) -> None:
    # The worker runs one task after another in one context: the next has its own id.
    if _task_row(task_result) is not None:
        current_request_id.set(None)
