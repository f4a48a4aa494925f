"""The portal's settings, plus the benchmark's ceiling and floor pages (never used in
production)."""

from portal.settings import *  # noqa: F403
from portal.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# The floor (bench/views.py) skips the rest of the stack.
MIDDLEWARE = ["bench.views.FloorMiddleware", *MIDDLEWARE]
