"""The server's error answer: 503 while the database cannot be reached, 500 otherwise.

A database restart or fail-over is not the site's fault and passes by itself: the visitor is
told to try again in a moment (``Retry-After``), a monitor sees a 503 rather than a bug, and
the next request reconnects (``CONN_HEALTH_CHECKS``: a connection the restart broke is
replaced before use, so no worker has to be restarted).
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """Django's ``handler500``, called while the exception is being handled."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request, template_name)
