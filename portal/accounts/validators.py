"""Password validators of the portal, next to Django's (AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

COMMON_PASSWORDS_PT_BR = Path(__file__).with_name("common-passwords-pt-br.txt")

# Digits, symbols and spaces people put around a word: "Senha@2026!", "123mudar".
_PADDING = re.compile(r"^[\W\d_]*(?P<core>.*?)[\W\d_]*$")
_SEPARATORS = re.compile(r"[\W_]+")
_LEET = str.maketrans("013457@$", "oieastas")


def _plain(text: str) -> str:
    """Lower case, without accents: "São" and "SAO" are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.cache
def _load(path: Path) -> frozenset[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(_plain(line) for line in lines if line and not line.startswith("#"))


class CommonBrazilianPasswordValidator:
    """Refuses passwords common in Brazil, which Django's (English) list misses: those in
    ``common-passwords-pt-br.txt``, and any word of it with digits or symbols around it
    (``senha12345``, ``123mudar``, ``brasil2026``, ``Flamengo@1981``, ``s3nh4!``).
    Case and accents do not matter."""

    def __init__(self, path: Path | str = COMMON_PASSWORDS_PT_BR) -> None:
        self.entries = _load(Path(path))

    def is_common(self, password: str) -> bool:
        plain = _plain(password)
        if plain in self.entries:
            return True
        # The word inside, as typed and with its digits read as letters ("s3nh4" → senha).
        for text in (plain, plain.translate(_LEET)):
            match = _PADDING.match(text)
            word = _SEPARATORS.sub("", match.group("core") if match else text)
            if word and word in self.entries:
                return True
        return False

    def validate(self, password: str, user: Any = None) -> None:
        if self.is_common(password):
            raise ValidationError(
                _(
                    "This password is too common: a well-known word or name, "
                    "with or without numbers around it."
                ),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be a common word or name with a few numbers around it.")
