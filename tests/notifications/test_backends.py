"""The e-mail backend that writes .eml files (portal/notifications/backends.py)."""

from __future__ import annotations

from email import message_from_bytes, policy

from django.core.mail import EmailMessage

from portal.lib.mailconfig import mailers_from_url


def test_the_eml_backend_writes_one_file_per_message(settings, tmp_path, caplog):
    settings.MAILERS = mailers_from_url("", mail_dir=tmp_path)
    EmailMessage("Olá", "Corpo", "a@zweiarts.test", ["b@acme.test"]).send(using="default")
    EmailMessage("Oi", "Corpo", "a@zweiarts.test", ["c@acme.test"]).send(using="default")
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    subjects = {message_from_bytes(f.read_bytes(), policy=policy.default)["Subject"] for f in files}
    assert subjects == {"Olá", "Oi"}
    assert str(files[0]) in caplog.text and str(files[1]) in caplog.text
