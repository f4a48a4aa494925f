"""What a trusted receiving server says of an e-mail's sender (RFC 8601 Authentication-Results).

The portal checks no signature itself: the mail server that received the
answer did, and wrote its verdict in an Authentication-Results header. Anyone
can write such a header in an e-mail, so only one counts: the topmost one
whose authserv-id is INBOUND_TRUSTED_AUTHSERV_ID (a receiving server adds
its own on top, and removes or outranks copies of its id that came with the
message). It vouches for the From domain when it says

- ``dkim=pass`` for a signing domain (``header.d``, else ``header.i``) aligned
  with the From domain: the same, or one a subdomain of the other (DMARC's
  relaxed alignment, without the public suffix list: no one can sign for a
  public suffix); or
- ``dmarc=pass`` with ``header.from`` equal to the From domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PAIR = re.compile(r'([^\s=]+)=("(?:[^"\\]|\\.)*"|\S+)')


@dataclass
class _Result:
    method: str
    result: str
    properties: dict[str, str] = field(default_factory=dict)


def _without_comments(value: str) -> str:
    """The header without its (comments), which may nest; quoted strings are kept."""
    kept: list[str] = []
    depth = 0
    quoted = escaped = False
    for char in value:
        if escaped:
            escaped = False
            if depth == 0:
                kept.append(char)
            continue
        if char == "\\":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"' and depth == 0:
            quoted = True
        elif char == "(":
            depth += 1
            continue
        elif char == ")" and depth:
            depth -= 1
            continue
        if depth == 0:
            kept.append(char)
    return "".join(kept)


def _split(value: str) -> list[str]:
    """The header's parts, at the semicolons outside quoted strings."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts]


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _parse(value: str) -> tuple[str, list[_Result]]:
    """The authserv-id and the results of one Authentication-Results header."""
    parts = _split(_without_comments(value))
    head = parts[0].split()
    authserv_id = _unquoted(head[0]).lower() if head else ""
    results = []
    for part in parts[1:]:
        pairs = [(k.lower(), _unquoted(v)) for k, v in _PAIR.findall(re.sub(r"\s*=\s*", "=", part))]
        if not pairs:
            continue
        (method, result), properties = pairs[0], dict(pairs[1:])
        results.append(_Result(method.split("/")[0], result.lower(), properties))
    return authserv_id, results


def _domain(value: str) -> str:
    return value.rpartition("@")[2].strip().rstrip(".").lower()


def _aligned(signer: str, from_domain: str) -> bool:
    if not signer or "." not in signer:
        return False
    return (
        signer == from_domain
        or from_domain.endswith(f".{signer}")
        or signer.endswith(f".{from_domain}")
    )


def _vouches(result: _Result, from_domain: str) -> bool:
    if result.result != "pass":
        return False
    if result.method == "dkim":
        signer = result.properties.get("header.d") or result.properties.get("header.i", "")
        return _aligned(_domain(signer), from_domain)
    if result.method == "dmarc":
        return _domain(result.properties.get("header.from", "")) == from_domain
    return False  # SPF and the like say nothing of the From header


def vouches_for(headers: list[str], *, authserv_id: str, from_domain: str) -> bool:
    """Whether the trusted server's Authentication-Results (the topmost of ``headers``
    with ``authserv_id``) shows that ``from_domain`` sent the e-mail."""
    trusted, from_domain = authserv_id.strip().lower(), _domain(from_domain)
    if not trusted or not from_domain:
        return False
    for header in headers:
        server, results = _parse(header)
        if server == trusted:
            # Only the topmost: those below it came with the message.
            return any(_vouches(result, from_domain) for result in results)
    return False
