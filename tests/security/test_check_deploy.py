"""The production settings pass Django's deployment checklist without any warning."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_check_deploy_under_production_settings_prints_no_warnings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "socialdomain.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "sociaaldomein.example.invalid",
        "FIELD_ENCRYPTION_KEYS": "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0=",
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
    }
    # Production defaults, not whatever the test process or the developer's shell set
    # (conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright).
    for name in ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE", "OTP_REQUIRED"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues (0 silenced)." in output
