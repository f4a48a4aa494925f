"""The README is the front door: every command in it (and in docs/) works as written.

What can run in a test runs here: the settings `PORT` and `HOST` give (in a fresh
interpreter, as `make run` would start it), every `make` target named exists, every
repository path named exists, and every `manage.py` or `python -m tools` command
names a real command and parses with the README's arguments. CI runs `make lint` and
`make test` themselves (.ci/run).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
VENV_PYTHON = ".venv/bin/python"
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104
SHOW_SETTINGS = "import portal.settings as s; print(s.HOST, s.PORT, s.PORTAL_BASE_URL)"


def text() -> str:
    return "\n".join(path.read_text() for path in DOCUMENTS)


def code() -> list[str]:
    """Inline code spans and the lines of code blocks (fenced or indented)."""
    readme = text()
    fenced = re.findall(r"```[a-z]*\n(.*?)```", readme, flags=re.S)
    lines = [line for block in fenced for line in block.splitlines()]
    lines += [line.strip() for line in readme.splitlines() if line.startswith("    ")]
    spans = re.findall(r"`([^`]+)`", re.sub(r"```.*?```", "", readme, flags=re.S))
    return lines + [" ".join(span.split()) for span in spans]  # a span may wrap


def settings_with(**environ: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PORT", "HOST", "PORTAL_BASE_URL"}}
    env.update(environ)
    out = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60,
    ).stdout.split()  # fmt: skip
    return dict(zip(("HOST", "PORT", "PORTAL_BASE_URL"), out, strict=True))


def test_port_alone_sets_the_emailed_base_url(tmp_path):
    assert settings_with(PORTAL_VAR_DIR=str(tmp_path), PORT="8420") == {
        "HOST": "127.0.0.1",
        "PORT": "8420",
        "PORTAL_BASE_URL": "http://127.0.0.1:8420",
    }
    assert settings_with(PORTAL_VAR_DIR=str(tmp_path))["PORTAL_BASE_URL"] == (
        "http://127.0.0.1:8000"
    )


def test_host_sets_the_bind_address_and_an_explicit_base_url_wins(tmp_path):
    every_interface = settings_with(PORTAL_VAR_DIR=str(tmp_path), HOST=EVERY_INTERFACE, PORT="9000")
    assert every_interface["HOST"] == EVERY_INTERFACE
    assert every_interface["PORTAL_BASE_URL"] == "http://127.0.0.1:9000"
    assert (
        settings_with(PORTAL_VAR_DIR=str(tmp_path), HOST="192.168.0.7")["PORTAL_BASE_URL"]
        == "http://192.168.0.7:8000"
    )
    explicit = settings_with(
        PORTAL_VAR_DIR=str(tmp_path), PORT="8420", PORTAL_BASE_URL="https://portal.test/"
    )
    assert explicit["PORTAL_BASE_URL"] == "https://portal.test"


def test_serve_binds_to_host_and_port(settings):
    settings.HOST, settings.PORT = EVERY_INTERFACE, 8420
    parser = load_command_class("portal.core", "serve").create_parser("manage.py", "serve")
    options = parser.parse_args([])
    assert (options.host, options.port) == (EVERY_INTERFACE, 8420)


def test_every_make_target_named_exists():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.M))
    named = {
        target
        for snippet in code()
        for target in re.findall(r"(?<![\w-])make ([a-z][\w-]*)", snippet)
    }
    assert {"run", "test", "lint", "format", "bench", "soak"} <= named
    assert named <= targets, named - targets


def test_the_quick_start_has_exactly_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text()
    quick_start = re.search(r"## Set up and run\n.*?```sh\n(.*?)```", readme, flags=re.S)
    assert quick_start is not None
    commands = [line.split("#")[0].strip() for line in quick_start.group(1).splitlines()]
    assert commands == ["make run", "make test"]
    for words in ("Ctrl+C", "http://127.0.0.1:8000", "var/mail/", "a few minutes"):
        assert words in readme


def test_every_repository_path_named_exists():
    roots = r"(?:\.ci|bench|docs|portal|tests|tools)(?:/|$)|pyproject\.toml$|Makefile$"
    named = {
        span for span in code() if re.match(roots, span) and " " not in span and "<" not in span
    }
    named |= set(re.findall(r"\]\(((?!https?:)[^)#]+)\)", text()))
    assert "docs/client-portal-guide.pt-BR.txt" in named
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, missing
    assert "shared/brief" not in text()


def commands() -> list[list[str]]:
    found = []
    for snippet in code():
        if "manage.py" in snippet or "python -m" in snippet:
            found.append(snippet)
    return [shlex.split(snippet.replace("[", "").replace("]", "")) for snippet in found]


def test_every_python_command_is_run_with_the_environment_python():
    found = commands()
    assert len(found) > 10
    wrong = [" ".join(words) for words in found if words[0] != VENV_PYTHON]
    assert not wrong, wrong


@pytest.mark.django_db
def test_every_python_command_exists_and_takes_its_arguments():
    from tools.__main__ import TOOLS

    available = get_commands()
    for words in commands():
        if words[1] == "manage.py":
            name, args = words[2], words[3:]
            assert name in available, name
            command = load_command_class(available[name], name)
        elif words[1:3] == ["-m", "tools"]:
            name, args = words[3], words[4:]
            if name == "NAME":  # "python -m tools NAME": the layout naming the tools
                continue
            assert name in TOOLS, name
            command = __import__(TOOLS[name], fromlist=["Command"]).Command()
        else:
            assert words[1:3] == ["-m", "pytest"], words
            assert all((ROOT / arg).exists() for arg in words[3:] if not arg.startswith("-"))
            continue
        if any("…" in arg or "$" in arg or arg == "NAME" for arg in args):
            continue  # a placeholder, not a command to copy
        command.create_parser("manage.py", name).parse_args(args)
