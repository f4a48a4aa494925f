"""An e-mail backend for machines without a mail server: one ``.eml`` file per message."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger(__name__)


class EmlFileBackend(BaseEmailBackend):
    """Writes each message as ``<file_path>/<time>-<id>.eml``, openable by any mail client."""

    def __init__(self, *, file_path: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.file_path = Path(file_path)

    def send_messages(self, email_messages) -> int:
        self.file_path.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = self.file_path / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            path.write_bytes(message.message().as_bytes())
            logger.info("E-mail to %s written to %s", ", ".join(message.recipients()), path)
            sent += 1
        return sent
