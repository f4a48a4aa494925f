"""The fast form renderer (portal/lib/renderers.py) writes the same HTML as Django's
templates: every page with forms, for a client, the team and an administrator, blank
and bound with errors, compared byte for byte with Django's own renderer."""

from __future__ import annotations

import re

import pytest
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.urls import reverse

from portal.lib import renderers
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db
# What differs between two requests for the same page, whatever renders the forms.
_PER_REQUEST = re.compile(r'(name="(?:csrfmiddlewaretoken|submission)" value=|nonce=)"[^"]*"')


def both(client, method: str, url: str, data: dict | None = None) -> tuple[str, str]:
    pages = []
    for renderer in ("django.forms.renderers.DjangoTemplates", "portal.lib.renderers.FastWidgets"):
        with override_settings(FORM_RENDERER=renderer):
            response = getattr(client, method)(url, data or {})
        assert response.status_code in (200, 400), (url, response.status_code)
        pages.append(_PER_REQUEST.sub(r'\1""', response.content.decode()))
    return pages[0], pages[1]


def test_the_client_pages_are_the_same(client, contact_a, agent, catalog):
    ticket = open_ticket(contact_a)
    contact_a.is_company_admin = True  # Minha empresa's forms too
    contact_a.save()
    client.force_login(contact_a)
    urls = [
        reverse("tickets:list"),
        reverse("tickets:new"),
        reverse("tickets:detail", args=[ticket.number]),
        reverse("accounts:account"),
        reverse("company:home"),
    ]
    for url in urls:
        django, fast = both(client, "get", url)
        assert django == fast, url
    # Bound and refused: the typed values and the errors next to the fields.
    form = {"subject": 'Um <b>"assunto"</b> & mais', "body": "<script>x</script>", "deadline": "x"}
    django, fast = both(client, "post", reverse("tickets:new"), form)
    assert django == fast and "&lt;b&gt;&quot;assunto&quot;" in fast


def test_the_staff_and_admin_pages_are_the_same(client, admin_user, staff_urls, admin_urls):
    client.force_login(admin_user)
    compared = []
    for url in staff_urls + admin_urls:
        response = client.get(url)
        if response.status_code != 200 or "<form" not in response.content.decode():
            continue
        django, fast = both(client, "get", url)
        assert django == fast, url
        compared.append(url)
    # The queue, a request's page, the canned replies, the companies and the settings.
    assert len(compared) >= 8, compared


def test_a_widget_with_a_template_of_its_own_goes_to_the_templates(monkeypatch):
    rendered = []
    monkeypatch.setattr(
        DjangoTemplates, "render", lambda self, name, context, request=None: rendered.append(name)
    )
    option = {"template_name": "mine/option.html", "value": "1", "attrs": {}, "label": "x"}
    widget = {"name": "n", "attrs": {}, "optgroups": [(None, [option], 0)]}
    renderers.FastWidgets().render("django/forms/widgets/select.html", {"widget": widget})
    assert rendered == ["django/forms/widgets/select.html"]
