"""The portal's settings, plus the benchmark's ceiling page (never used in production)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
