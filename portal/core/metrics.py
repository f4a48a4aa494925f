"""What /metrics tells Prometheus: how the pages answer, and how much work waits.

- ``portal_http_request_duration_seconds{view,status}``: a histogram of the time each
  response took, by the URL pattern's name (never the raw path, which carries ids)
  and status code; its ``_count`` is the number of responses.
- Gauges read from the database when Prometheus asks (a few indexed counts). Apps
  register their own with ``@gauge(name, help)`` (each app's ready() imports the
  module, as with ``@health_check``): the task queue's is here, e-mails' in
  notifications, webhooks' and commitments' in theirs.

Each process counts its own responses. Under gunicorn with several workers, set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory before the server starts (``make
run``/``manage.py serve`` does): every worker writes its counts there and whichever
worker answers /metrics adds them all up (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from portal.core.health import oldest_task_wait_seconds

logger = logging.getLogger(__name__)

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST

# A gauge's value, or its values by the value of its one label.
Reading = float | dict[str, float]
R = TypeVar("R", bound=Callable[[], Reading])

# Not in prometheus-client's global registry: /metrics builds its own for each scrape.
HTTP_LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time taken to answer a request, by view (URL name) and status code.",
    ["view", "status"],
    registry=None,
)
# The label of requests no URL pattern matched (a 404 before any view, a refused body).
UNMATCHED = "unmatched"


@dataclass(frozen=True)
class _Gauge:
    documentation: str
    label: str | None
    read: Callable[[], Reading]


GAUGES: dict[str, _Gauge] = {}


def gauge(name: str, documentation: str, *, label: str | None = None) -> Callable[[R], R]:
    """Report the decorated function's reading (it takes no arguments) as gauge ``name``;
    with ``label``, the function returns a value per label value."""

    def register(function: R) -> R:
        GAUGES[name] = _Gauge(documentation, label, function)
        return function

    return register


class _DatabaseGauges(Collector):
    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Without this, registering the collector would read the database once more.
        for name, registered in GAUGES.items():
            labels = [registered.label] if registered.label else None
            yield GaugeMetricFamily(name, registered.documentation, labels=labels)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, registered in GAUGES.items():
            try:
                reading = registered.read()
            except DatabaseError:
                # Left out rather than reported as 0: an absent series alerts as such.
                logger.warning("Metric %s could not be read from the database", name)
                continue
            labels = [registered.label] if registered.label else None
            family = GaugeMetricFamily(name, registered.documentation, labels=labels)
            if isinstance(reading, dict):
                for value_of_label, value in sorted(reading.items()):
                    family.add_metric([value_of_label], value)
            else:
                family.add_metric([], reading)
            yield family


def exposition() -> bytes:
    """Every series, in Prometheus' text format."""
    registry = CollectorRegistry(auto_describe=True)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(HTTP_LATENCY)
    registry.register(_DatabaseGauges())
    return generate_latest(registry)


def view_name(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.view_name if match is not None and match.view_name else UNMATCHED


class MetricsMiddleware:
    """Times every response, first in and last out, so the other middleware counts too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        labels = (view_name(request), str(response.status_code))
        HTTP_LATENCY.labels(*labels).observe(time.perf_counter() - started)
        return response


@gauge(
    "portal_tasks_oldest_queued_age_seconds",
    "Seconds the oldest task ready to run has waited (0 when none waits).",
)
def oldest_task_age() -> float:
    return oldest_task_wait_seconds()
