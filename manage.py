#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

if __name__ == "__main__":
    # An empty DJANGO_SETTINGS_MODULE counts as unset (setdefault would keep it).
    os.environ["DJANGO_SETTINGS_MODULE"] = (
        os.environ.get("DJANGO_SETTINGS_MODULE") or "portal.settings.dev"
    )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
