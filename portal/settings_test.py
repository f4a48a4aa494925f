"""Settings for the test suite: the production settings, made fast and self-contained."""

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

# Hashing with Argon2 costs tens of milliseconds per login; tests log in a lot.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run at once, inside the test, unless a test is about the queue itself.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PORTAL_BASE_URL = "https://portal.example"
