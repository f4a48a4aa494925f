"""The Brazilian common-password validator (portal/accounts/validators.py), next to Django's."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from portal.accounts.validators import CommonBrazilianPasswordValidator


@pytest.mark.parametrize(
    "password",
    [
        "senha12345",
        "mudar123",
        "brasil2026",
        "123mudar",
        "trocar123",
        "SENHA12345",  # case does not matter
        "Flamengo@1981",  # a club and a year
        "corinthians2012",
        "São Paulo 2026",  # nor accents and spaces
        "maria1985",  # a common name and a year
        "zweiarts2026",  # the agency
        "s3nh4!",  # digits read as letters
        "jesuscristo",
        "1q2w3e4r",
    ],
)
def test_common_brazilian_passwords_are_refused(password):
    with pytest.raises(ValidationError) as refused:
        CommonBrazilianPasswordValidator().validate(password)
    assert refused.value.error_list[0].code == "password_too_common"


@pytest.mark.parametrize(
    "password",
    ["Girassol-azul-42", "Outra-senha-forte-9", "correct-horse-battery-staple", "demo-zwei-2026"],
)
def test_passphrases_with_common_words_inside_are_accepted(password):
    CommonBrazilianPasswordValidator().validate(password)


def test_it_is_one_of_the_password_validators(settings):
    with pytest.raises(ValidationError) as refused:
        validate_password("Brasil2026")
    assert "Esta senha é muito comum: uma palavra ou um nome conhecidos" in " ".join(
        refused.value.messages
    )


def test_the_list_is_a_file_of_its_own(tmp_path):
    custom = tmp_path / "list.txt"
    custom.write_text("# ours\nabacaxi\n", encoding="utf-8")
    validator = CommonBrazilianPasswordValidator(custom)
    assert validator.is_common("Abacaxi2026") and not validator.is_common("senha12345")
