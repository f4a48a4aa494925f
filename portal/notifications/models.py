from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """One e-mail as rendered for its recipient, and what became of it.

    It is written in the same transaction as the change that caused it, so an
    update and its notification commit (or roll back) together; the worker
    delivers it and records every attempt. While a worker talks to the mail
    server the row is SENDING, claimed by that delivery (no transaction stays
    open meanwhile); it goes back to QUEUED for a retry, or on to SENT or FAILED.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=64)
    to_address = models.EmailField(_("to"))
    recipient = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # An iCalendar invitation (REQUEST or CANCEL), serialized with CRLF line endings,
    # sent with the e-mail so mail clients offer to add it to the calendar.
    calendar = models.TextField(blank=True, default="")
    message_id = models.CharField(max_length=255, unique=True)
    # The ticket this notification is about: an answer quoting its Message-ID
    # in In-Reply-To/References finds its ticket through it.
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the latest delivery attempt began, and which task made it: while the
    # row is SENDING, the claim (a claim older than the lease belonged to a
    # worker that died); afterwards, when the e-mail was last tried.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    # The mail server did not answer in time at the latest attempt (/healthz
    # reports delivery stalled when the latest attempts all timed out).
    last_attempt_timed_out = models.BooleanField(default=False)
    # Not sent before this moment (None: at once). A ticket e-mail waits
    # EMAIL_COALESCE_SECONDS, so that the events of that time on one ticket reach its
    # recipient as one e-mail (coalesce.py).
    send_after = models.DateTimeField(null=True, blank=True)
    # What an e-mail needs to be combined with others of its thread (coalesce.Parts):
    # its event in a few words, who did what, where its own section of each body lies.
    # Empty: it always goes alone (access e-mails, invitations with a calendar).
    parts = models.JSONField(default=dict, blank=True)
    # Set on an e-mail delivered inside another one (the first of its thread that was
    # waiting): it went, or failed, with that one.
    part_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )

    class Meta:
        verbose_name = _("outbound e-mail")
        verbose_name_plural = _("outbound e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbound_status_time"),
            models.Index(fields=["-claimed_at"], name="outbound_latest_attempts"),
            # The e-mails still waiting for one person about one ticket (the claim
            # gathers them into one).
            models.Index(
                fields=["recipient", "ticket"],
                condition=Q(status="queued"),
                name="outbound_waiting_per_thread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_address} ({self.status})"


class Channel(models.TextChoices):
    """Where news reaches a person: their mailbox, or the portal's notification centre."""

    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Portal")


class EmailOptOut(models.Model):
    """A kind of news one user chose not to receive on one channel.

    Storing what is turned off (rather than what is on) means a new kind of
    news reaches everyone until they decide otherwise.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)

    class Meta:
        verbose_name = _("e-mail turned off")
        verbose_name_plural = _("e-mails turned off")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="opt_out_unique_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ✕ {self.kind} ({self.channel})"


class CompanyWideNews(models.Model):
    """A client contact who chose to hear about every request of their company
    ("Todas as solicitações da empresa"), not only the ones they opened, wrote on or
    follow. No row: off, as for every new contact."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("news of all the company's requests")
        verbose_name_plural = _("news of all the company's requests")

    def __str__(self) -> str:
        return f"{self.user_id}: all the company's requests"


class Notification(models.Model):
    """One piece of news in a person's notification centre (the bell in the header).

    Written with the e-mail about the same event, in the same transaction; its text is
    put into words in the person's language when it is written.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The bell's count: one person's unread notifications, read from the index.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["user", "-created_at", "-id"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.text}"


class ReplyKey(models.Model):
    """The version of one person's reply addresses (see reply_tokens.py).

    Every reply address carries an HMAC over its recipient, its ticket and this
    version, so moving the version on revokes every address the person was given.
    No row means version 0: most people never need one.
    """

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reply address key")
        verbose_name_plural = _("reply address keys")

    def __str__(self) -> str:
        return f"{self.user_id} v{self.version}"


class InboundEmail(models.Model):
    """One e-mail received as an answer to a notification, and what was done with it.

    Refusals are kept too (with the reason), so an answer that did not reach its
    ticket can be traced. The raw message is not stored: an accepted one lives
    on as the ticket's message and its attachments.
    """

    class Source(models.TextChoices):
        IMAP = "imap", _("mailbox (IMAP)")
        HTTP = "http", _("web hook")

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    class Reason(models.TextChoices):
        UNKNOWN_SENDER = "unknown_sender", _("The sender is not an active user of the portal.")
        NOT_PARTICIPANT = "not_participant", _("The sender may not see this request.")
        NO_REQUEST = "no_request", _("No request matches this e-mail.")
        CLOSED = "closed", _("The request is closed.")
        INVALID = "invalid", _("The answer or its files were refused.")
        EMPTY = "empty", _("The e-mail has no answer besides the quoted text.")
        AUTOMATIC = "automatic", _("Automatic reply or message from the portal itself.")
        TOO_LARGE = "too_large", _("The e-mail is too large.")
        UNAUTHENTICATED = "unauthenticated", _("The sender could not be authenticated.")
        # New requests by e-mail (an e-mail that names no request).
        CANNOT_OPEN = "cannot_open", _("Only an active client contact opens requests by e-mail.")
        NO_DEFAULTS = "no_defaults", _("The defaults for requests opened by e-mail cannot be used.")

    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The message it became on the ticket, when accepted.
    answer = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-pk"]
        constraints = [
            # A mailbox read twice, or a provider posting again after a timeout,
            # must not add the same answer twice.
            models.UniqueConstraint(
                fields=["message_id"],
                condition=models.Q(status="accepted") & ~models.Q(message_id=""),
                name="inbound_accepted_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject} ({self.status})"
