"""Tooling around the portal (demo data, soak, query plans, benchmark data): outside the
installed apps, run as ``python -m tools NAME [options]``."""
