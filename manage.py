#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanita33.settings")
    from django.core.management import execute_from_command_line

    from sanita33.database import EmbeddedDatabaseError
    from sanita33.env import ConfigurationError

    try:
        execute_from_command_line(sys.argv)
    except (ConfigurationError, EmbeddedDatabaseError) as exc:
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    main()
