"""The health checks /healthz runs (portal/core/health.py): the database first, then every
check an app registered with @health_check."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError

from portal.core.health import CHECKS, health_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    """Registers checks for one test, and only for it."""
    before = dict(CHECKS)
    yield health_check
    CHECKS.clear()
    CHECKS.update(before)


def test_the_apps_register_their_checks_at_start():
    assert {"task_queue", "email", "storage"} <= set(CHECKS)


def test_a_registered_check_is_reported_under_its_name(client, registered):
    @registered("printer")
    def printer_state():
        return {"status": "ok", "paper": 500}

    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["printer"] == {"status": "ok", "paper": 500}


def test_any_status_but_ok_answers_503(client, registered):
    registered("printer")(lambda: {"status": "jammed"})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unhealthy"
    assert response.json()["printer"] == {"status": "jammed"}


def test_a_check_that_cannot_read_the_database_is_down(client, registered):
    def broken():
        raise DatabaseError("gone")

    registered("printer")(broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["printer"] == {"status": "down"}


def test_without_a_database_no_check_runs(client, registered):
    check = mock.Mock(return_value={"status": "ok"})
    registered("printer")(check)
    with mock.patch("portal.core.health.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["printer"] == {"status": "down"}
    assert response.json()["email"] == {"status": "down"}
    check.assert_not_called()


# --- The storage of attachments


def test_storage_is_ok_when_a_file_can_be_written_read_and_deleted(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["storage"] == {"status": "ok"}
    # The probe leaves nothing behind.
    probes = Path(settings.MEDIA_ROOT) / "healthz"
    assert probes.is_dir() and list(probes.iterdir()) == []


def test_storage_that_cannot_be_written_answers_503(client, settings, tmp_path):
    not_a_folder = tmp_path / "media-is-a-file"
    not_a_folder.write_text("oops")
    settings.MEDIA_ROOT = not_a_folder
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == {"status": "down"}
    assert response.json()["database"] == {"status": "ok"}
