"""Where a request comes from (portal/lib/addresses.py): REMOTE_ADDR, unless it is one of
TRUSTED_PROXIES, and then the right-most hop of X-Forwarded-For no trusted proxy is;
and what login throttling and the audit log make of it, both ways."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from portal.audit.models import AuditEntry
from portal.lib.addresses import client_address, from_trusted_proxy, parse_networks
from tests.support.factories import TEST_PASSWORD

PROXY = "10.0.0.2"
LOGIN = reverse("accounts:login")


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = parse_networks(["10.0.0.0/24", "fd00::/64", "127.0.0.1"])


def address(remote: str, forwarded: str | None = None) -> str | None:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert address(PROXY, "198.51.100.1") == PROXY


def test_a_forged_header_from_an_untrusted_address_is_ignored(behind_proxy):
    # A client connecting directly, claiming to come from elsewhere (or from a proxy).
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert address("203.0.113.7", f"198.51.100.1, {PROXY}") == "203.0.113.7"


def test_from_a_trusted_proxy_the_client_is_the_hop_it_saw(behind_proxy):
    assert address(PROXY, "198.51.100.1") == "198.51.100.1"
    assert address(PROXY, " 198.51.100.1 ") == "198.51.100.1"


def test_the_right_most_untrusted_hop_counts_not_what_the_client_wrote(behind_proxy):
    # The client sent "1.2.3.4" itself; our proxy appended the address it really saw.
    assert address(PROXY, "1.2.3.4, 198.51.100.1") == "198.51.100.1"
    # Two proxies of ours in a chain: both skipped.
    assert address(PROXY, "1.2.3.4, 198.51.100.1, 10.0.0.9") == "198.51.100.1"


def test_when_every_hop_is_trusted_the_farthest_one(behind_proxy):
    assert address(PROXY, "10.0.0.7, 10.0.0.9") == "10.0.0.7"


def test_without_the_header_a_trusted_proxy_is_the_client(behind_proxy):
    assert address(PROXY) == PROXY
    assert address(PROXY, "") == PROXY


def test_ipv6_hops_and_proxies(behind_proxy):
    assert address("fd00::2", "2001:db8::1") == "2001:db8::1"
    assert address("fd00::2", "2001:DB8:0:0::1, fd00::3") == "2001:db8::1"
    assert address("2001:db8::66", "198.51.100.1") == "2001:db8::66"
    # A dual-stack socket reports an IPv4 proxy as IPv4-mapped IPv6.
    assert address("::ffff:10.0.0.2", "198.51.100.1") == "198.51.100.1"


def test_a_malformed_hop_falls_back_to_the_connection(behind_proxy):
    assert address(PROXY, "198.51.100.1, not-an-address") == PROXY
    assert address(PROXY, "198.51.100.1:4711") == PROXY
    assert address(PROXY, "unknown, 10.0.0.9") == PROXY
    # Garbage left of the first untrusted hop is never read.
    assert address(PROXY, "<script>, 198.51.100.1") == "198.51.100.1"


def test_no_address_at_all(behind_proxy):
    assert address("") is None


def test_only_a_trusted_proxy_is_one(behind_proxy):
    factory = RequestFactory()
    assert from_trusted_proxy(factory.get("/", REMOTE_ADDR="127.0.0.1"))
    assert not from_trusted_proxy(factory.get("/", REMOTE_ADDR="127.0.0.2"))
    assert not from_trusted_proxy(factory.get("/", REMOTE_ADDR="garbage"))


def test_a_wrong_entry_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match=re.escape("TRUSTED_PROXIES: '10.0.0.300'")):
        parse_networks(["10.0.0.0/8", "10.0.0.300"])
    assert [str(n) for n in parse_networks(["10.1.2.3/8", "::1"])] == ["10.0.0.0/8", "::1/128"]


# --- What throttling and the audit log make of it


def post_login(client, email: str, password: str, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


@pytest.mark.django_db
def test_behind_a_proxy_failures_slow_down_the_client_not_the_proxy(
    client, contact_a, behind_proxy
):
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for _ in range(12):
        post_login(client, contact_a.email, "wrong", **attacker)
    blocked = post_login(client, contact_a.email, TEST_PASSWORD, **attacker)
    assert "Muitas tentativas sem sucesso" in blocked.content.decode()
    # Ana, through the same proxy from her own address, is not slowed down.
    ana = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert post_login(client, contact_a.email, TEST_PASSWORD, **ana).status_code == 302


@pytest.mark.django_db
def test_a_forged_header_does_not_escape_the_throttle(client, contact_a, behind_proxy):
    # Straight to the app server, a new X-Forwarded-For on every attempt.
    for n in range(12):
        forged = {"REMOTE_ADDR": "203.0.113.66", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        post_login(client, contact_a.email, "wrong", **forged)
    forged = {"REMOTE_ADDR": "203.0.113.66", "HTTP_X_FORWARDED_FOR": "198.51.100.99"}
    blocked = post_login(client, contact_a.email, TEST_PASSWORD, **forged)
    assert "Muitas tentativas sem sucesso" in blocked.content.decode()


@pytest.mark.django_db
def test_the_audit_log_records_the_client_behind_the_proxy(client, contact_a, behind_proxy):
    post_login(
        client,
        contact_a.email,
        "wrong",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7",
    )
    post_login(
        client,
        contact_a.email,
        "wrong",
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert list(AuditEntry.objects.order_by("pk").values_list("ip_address", flat=True)) == [
        "198.51.100.7",
        "203.0.113.9",
    ]


@pytest.mark.django_db
def test_without_trusted_proxies_the_audit_log_keeps_the_connection(client, contact_a, settings):
    settings.TRUSTED_PROXIES = []
    post_login(
        client, contact_a.email, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert AuditEntry.objects.get().ip_address == PROXY
