"""The pt-BR catalogue is the product's voice: every text translated, and compiled."""

from __future__ import annotations

from pathlib import Path

import polib

CATALOG = Path(__file__).resolve().parents[2] / "portal" / "locale" / "pt_BR" / "LC_MESSAGES"


def test_every_message_has_a_pt_br_translation():
    po = polib.pofile(str(CATALOG / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(CATALOG / "django.po"))
    mo = polib.mofile(str(CATALOG / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    source = {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries() if not e.msgid_plural}
    assert source.items() <= compiled.items()
