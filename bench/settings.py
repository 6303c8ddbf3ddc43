"""Production settings, unchanged except that static files are collected under bench/results/.

The benchmark must measure what production serves (portal.settings.production: DEBUG off,
whitenoise's compressed manifest storage), but `collectstatic` into the repository's shared
staticfiles/ would race with the demo other people run from the same working tree.
"""

from pathlib import Path

from portal.settings.production import *  # noqa: F401,F403

STATIC_ROOT = Path(__file__).resolve().parent / "results" / "staticfiles"
