"""makemessages that also collects the sentences the code words with helpers of its own
(``_say("%(actor)s opened the request", …)`` in portal/tickets/event_text.py): they are
translated when used, and their msgids must stay in the catalogue."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_say"]
