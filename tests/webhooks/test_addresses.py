"""No webhook into the agency's own network (SSRF): private, loopback, link-local and
other non-internet addresses are refused when an endpoint is registered and again
before each delivery, unless WEBHOOKS_ALLOW_PRIVATE is on."""

from __future__ import annotations

import ipaddress

import pytest
from django.core.exceptions import ValidationError

from portal.webhooks import delivery as sending
from portal.webhooks.addresses import is_public
from portal.webhooks.models import Delivery, Endpoint, WebhookEvent
from portal.webhooks.services import endpoint_ping, endpoint_save

pytestmark = pytest.mark.django_db

REFUSED = [
    "http://127.0.0.1/hook",
    "http://127.1.2.3:8080/hook",
    "http://10.0.0.5/hook",
    "http://172.16.4.4/hook",
    "http://192.168.0.10/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:a9fe:a9fe]/hook",
    "http://[fd00::1]/hook",
    "http://[fe80::1]/hook",
    "http://[2002:7f00:1::]/hook",
    "http://localhost/hook",
    "http://localhost.:8000/hook",
    "http://2130706433/hook",
]


@pytest.fixture
def private_refused(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False


def _save(admin_user, url: str) -> Endpoint:
    return endpoint_save(endpoint=None, actor=admin_user, url=url, events=[WebhookEvent.OPENED])


@pytest.mark.parametrize("url", REFUSED)
def test_a_private_or_local_address_is_refused_at_registration(url, admin_user, private_refused):
    with pytest.raises(ValidationError) as refused:
        _save(admin_user, url)
    assert list(refused.value.message_dict) == ["url"]
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://93.184.215.14/hook",
        "file:///etc/passwd",
        "gopher://93.184.215.14/",
        "http://user:secret@93.184.215.14/hook",
        "https:///hook",
        "not a url",
    ],
)
def test_only_plain_http_and_https_urls_are_taken(url, admin_user, private_refused):
    with pytest.raises(ValidationError) as refused:
        _save(admin_user, url)
    assert list(refused.value.message_dict) == ["url"]


def test_an_internet_address_is_taken(admin_user, private_refused):
    assert _save(admin_user, "https://93.184.215.14/hook").pk
    assert _save(admin_user, "https://[2606:4700:4700::1111]:8443/hook").pk


def test_the_form_says_why_next_to_the_field(client, admin_user, private_refused):
    client.force_login(admin_user)
    response = client.post(
        "/equipe/configuracoes/webhooks/",
        {"url": "http://169.254.169.254/latest/meta-data/", "events": ["request.opened"]},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["url"] == [
        "169.254.169.254 é um endereço privado ou local: webhooks só são enviados a "
        "endereços da internet."
    ]
    assert "endereço privado ou local" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_an_address_that_became_private_is_refused_at_delivery(
    receiver, endpoint, admin_user, settings
):
    # Registered while allowed; by the time of the delivery it is not (as a name that
    # resolves to a public address at registration and to a private one later).
    delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING, attempts=0)
    receiver.requests.clear()
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    assert sending.attempt(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert "127.0.0.1" in delivery.last_error and delivery.response_code is None
    assert receiver.requests == []


def test_a_name_resolving_to_loopback_is_refused_at_delivery(admin_user, settings):
    endpoint = _save(admin_user, "http://localhost:9/hook")  # allowed while registering
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
    assert sending.attempt(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert "localhost" in delivery.last_error and delivery.response_code is None


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.1.1", False),
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::", False),
        ("::ffff:10.0.0.1", False),
        ("ff02::1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
    ],
)
def test_which_addresses_count_as_the_internet(address, public):
    assert is_public(ipaddress.ip_address(address)) is public
