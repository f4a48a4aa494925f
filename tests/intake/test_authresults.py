"""Reading a receiving server's verdict (portal/intake/authresults.py, RFC 8601): only the
trusted server's topmost header counts, and only a pass for the From domain."""

from __future__ import annotations

import pytest

from portal.intake.authresults import vouches_for

MX = "mx.zweiarts.com.br"


def vouched(*headers: str, domain: str = "acme.test", trusted: str = MX) -> bool:
    return vouches_for(list(headers), authserv_id=trusted, from_domain=domain)


@pytest.mark.parametrize(
    "header",
    [
        f"{MX}; dkim=pass header.d=acme.test header.s=sel",
        f"{MX.upper()} 1; dkim=pass (2048-bit key) header.d=ACME.test",
        f"{MX}; spf=fail smtp.mailfrom=evil.test; dkim=pass header.i=@acme.test",
        f"{MX}; dkim=pass header.i=ana@acme.test",
        f"{MX}; dkim=pass header.d=mail.acme.test",  # relaxed alignment
        f"{MX}; dkim = pass header.d = acme.test",
        f'{MX}; dkim=pass header.d="acme.test"',
        f"{MX}; dkim=fail header.d=acme.test; dkim=pass header.d=acme.test",
        f"{MX}; dmarc=pass (p=REJECT sp=NONE) header.from=acme.test",
        f"{MX};\r\n\tdkim=pass header.d=acme.test;\r\n\tdmarc=pass header.from=acme.test",
    ],
)
def test_a_pass_for_the_from_domain_vouches(header):
    assert vouched(header)


def test_a_subdomain_sender_is_vouched_for_by_its_parents_signature():
    assert vouched(f"{MX}; dkim=pass header.d=acme.test", domain="mail.acme.test")


@pytest.mark.parametrize(
    "header",
    [
        f"{MX}; dkim=fail header.d=acme.test",
        f"{MX}; dkim=neutral header.d=acme.test",
        f"{MX}; dkim=pass header.d=evil.test",
        f"{MX}; dkim=pass header.d=notacme.test",  # a suffix, not a parent domain
        f"{MX}; dkim=pass header.d=test",  # a bare top-level domain
        f"{MX}; dkim=pass (header.d=acme.test) header.d=evil.test",  # comments say nothing
        f"{MX}; dkim=pass",
        f"{MX}; dmarc=pass header.from=evil.test",
        f"{MX}; dmarc=fail header.from=acme.test",
        f"{MX}; spf=pass smtp.mailfrom=acme.test",
        f"{MX}; none",
        f'{MX}; dkim=fail reason="x; dkim=pass header.d=acme.test"',  # inside a quoted string
        "mx.evil.test; dkim=pass header.d=acme.test",
        "dkim=pass header.d=acme.test",
        "",
    ],
)
def test_anything_else_does_not(header):
    assert not vouched(header)


def test_only_the_topmost_header_of_the_trusted_server_counts():
    real, forged = f"{MX}; dkim=fail header.d=acme.test", f"{MX}; dkim=pass header.d=acme.test"
    assert not vouched(real, forged)
    # Other servers' headers above it are skipped, whatever they say.
    assert vouched("mx.other.test; dkim=fail header.d=acme.test", forged)


def test_no_trusted_server_means_no_one_is_vouched_for():
    assert not vouched(f"{MX}; dkim=pass header.d=acme.test", trusted="")
    assert not vouched("; dkim=pass header.d=acme.test", trusted="")
    assert not vouched(f"{MX}; dkim=pass header.d=acme.test", domain="")
