"""Settings for the test suite: a throw-away data dir, Huey run inline."""

import os
import tempfile

os.environ.setdefault("LEXKEEP_DATA_DIR", tempfile.mkdtemp(prefix="lexkeep-test-"))
os.environ.setdefault("LEXKEEP_HUEY_IMMEDIATE", "1")

from lexkeep.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
INSTALLED_APPS += ["tests.testapp"]  # noqa: F405
