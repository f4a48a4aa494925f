from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage

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


def test_the_eml_backend_writes_one_file_per_message(settings, tmp_path, caplog):
    settings.MAILERS = mailers_from_url("", mail_dir=tmp_path)
    EmailMessage("Olá", "Corpo", "a@zweiarts.test", ["b@acme.test"]).send(using="default")
    EmailMessage("Oi", "Corpo", "a@zweiarts.test", ["c@acme.test"]).send(using="default")
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    subjects = {message_from_bytes(f.read_bytes(), policy=policy.default)["Subject"] for f in files}
    assert subjects == {"Olá", "Oi"}
    assert str(files[0]) in caplog.text and str(files[1]) in caplog.text
