"""More of the cast for e-mail tests: a colleague of contact_a who reads English, and
a colleague narrowed to the requests she opened herself."""

from __future__ import annotations

import pytest

from portal.testing.factories import ContactFactory


@pytest.fixture
def john(company_a):
    return ContactFactory(
        company=company_a, email="john@acme.test", name="John Smith", language="en"
    )


@pytest.fixture
def nara(company_a):
    return ContactFactory(
        company=company_a, email="nara@acme.test", name="Nara Lima", sees_own_requests_only=True
    )
