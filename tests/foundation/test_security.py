"""Security settings: the configurable admin path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from tests.foundation.test_settings import run_check

# Configurable admin path ---------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ADMIN_PATH": "../segreto/"}, "error: ADMIN_PATH must be a path like admin/"),
        ({"ADMIN_PATH": "redazione interna/"}, "error: ADMIN_PATH must be a path like admin/"),
        ({"ADMIN_PATH": "static/admin/"}, "error: ADMIN_PATH cannot start with 'static'"),
        ({"ADMIN_PATH": "newsletter/"}, "error: ADMIN_PATH cannot start with 'newsletter'"),
    ],
)
def test_bad_security_settings_stop_with_one_line(overrides, message):
    result = run_check(overrides)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(message)


def test_a_custom_admin_path_moves_the_admin_and_stays_private(child_env):
    """The admin answers at the new path only, is never cached and robots.txt keeps it secret."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.foundation.admin_path_probe"],
        env={
            **child_env,
            "ADMIN_PATH": "/redazione-7f3k",
        },
        capture_output=True,
        text=True,
        timeout=60,
        cwd=django_settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["custom_login"] == 200
    assert seen["default_login"] == 404
    assert "redazione" not in seen["robots"]
    assert "admin" not in seen["robots"]
    assert seen["custom_cacheable"] is False
