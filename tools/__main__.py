"""``python -m tools NAME [options]``: run one of the tools as a Django command."""

from __future__ import annotations

import importlib
import os
import sys

TOOLS = {
    "demo": "tools.demo",
    "soak": "tools.soak",
    "explain_lists": "tools.explain_lists",
    "seed_bench": "bench.seed",
}


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in TOOLS:
        sys.exit(f"usage: python -m tools {{{','.join(TOOLS)}}} [options]")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    # Imported after setup: the tools use the portal's models.
    command = importlib.import_module(TOOLS[argv[1]]).Command()
    command.run_from_argv(["python -m tools", *argv[1:]])


if __name__ == "__main__":
    main(sys.argv)
