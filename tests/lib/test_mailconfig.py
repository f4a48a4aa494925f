"""The mail settings read from a URL (portal/lib/mailconfig.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.lib.mailconfig import EML_BACKEND, SMTP_BACKEND, mailers_from_url

MAIL_DIR = Path("var/mail")


def test_no_url_writes_eml_files():
    assert mailers_from_url("", mail_dir=MAIL_DIR)["default"] == {
        "BACKEND": EML_BACKEND,
        "OPTIONS": {"file_path": "var/mail"},
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example", {"host": "mail.example", "port": 25, "use_tls": False}),
        ("smtp://mail.example:2525?starttls=1", {"port": 2525, "use_tls": True}),
        (
            "smtp+tls://u%40x:p%3Aw@mail.example",
            {"port": 587, "use_tls": True, "username": "u@x", "password": "p:w"},
        ),
        ("smtps://mail.example", {"port": 465, "use_ssl": True, "use_tls": False}),
    ],
)  # fmt: skip
def test_smtp_urls(url, expected):
    config = mailers_from_url(url, mail_dir=MAIL_DIR)["default"]
    assert config["BACKEND"] == SMTP_BACKEND
    assert expected.items() <= config["OPTIONS"].items()


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://"])
def test_bad_urls_fail_loudly(url):
    with pytest.raises(ImproperlyConfigured):
        mailers_from_url(url, mail_dir=MAIL_DIR)
