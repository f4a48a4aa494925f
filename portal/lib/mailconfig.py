"""Turn ``EMAIL_URL`` into Django's ``MAILERS`` setting.

Accepted forms:

- empty: each message is written as an ``.eml`` file under ``var/mail/``;
- ``smtp://user:password@host:port``: plain SMTP, upgraded with STARTTLS when
  ``?starttls=1`` (or ``?tls=1``) is given;
- ``smtp+tls://…``: STARTTLS (default port 587);
- ``smtps://…``: implicit TLS (default port 465);
- ``console://``: print messages to standard output.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

EML_BACKEND = "portal.notifications.backends.EmlFileBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailers_from_url(url: str, *, mail_dir: Path, timeout: int = 15) -> dict:
    if not url:
        return {"default": {"BACKEND": EML_BACKEND, "OPTIONS": {"file_path": str(mail_dir)}}}
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    if parts.scheme == "file":
        return {"default": {"BACKEND": EML_BACKEND, "OPTIONS": {"file_path": parts.path}}}
    if parts.scheme not in {"smtp", "smtp+tls", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme {parts.scheme!r} (use smtp, smtp+tls, smtps or file)"
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL: a host is required, as in smtp://mail.example:25")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    use_ssl = parts.scheme == "smtps"
    use_tls = parts.scheme == "smtp+tls" or query.get("starttls", query.get("tls")) == "1"
    options: dict = {
        "host": parts.hostname,
        "port": parts.port or (465 if use_ssl else 587 if use_tls else 25),
        "use_ssl": use_ssl,
        "use_tls": use_tls,
        "timeout": timeout,
    }
    if parts.username:
        options["username"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    return {"default": {"BACKEND": SMTP_BACKEND, "OPTIONS": options}}
