"""Company administrators of the fixed cast's two companies."""

from __future__ import annotations

import pytest

from tests.support.factories import ContactFactory


@pytest.fixture
def acme_admin(company_a):
    return ContactFactory(
        company=company_a, email="diretora@acme.test", name="Diana Diretora", is_company_admin=True
    )


@pytest.fixture
def boreal_admin(company_b):
    return ContactFactory(
        company=company_b, email="chefe@boreal.test", name="Bia Chefe", is_company_admin=True
    )
