"""Pull mode: fetch each department's registered file and import it like a pushed batch.

``manage.py pull_department_data`` (run by a scheduler, docs/operations.md) calls
``pull_all_sources``. Each active ``DataSource`` is fetched and imported on its own, its outcome
(last success, or last failure with the message) stored on the source, and a failure never
stops the others. Fetching is deliberately narrow, because the address is typed by a person
and fetched by the server: only http and https, a timeout on every read, at most
``PORTAL_PULL_MAX_BYTES`` read (streamed: the rest is never downloaded) and redirects followed
only within the same scheme and host (a redirect elsewhere could point the server at another
machine of the intranet).
"""

from __future__ import annotations

import dataclasses
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.importing import error_report_lines, summary_line
from portal.models import DataSource
from portal.push import CSV, JSON, BodyError, body_format, import_batch

MAX_REDIRECTS = 5
READ_CHUNK = 64 * 1024


class PullError(Exception):
    """A source that could not be fetched or imported; the message says why."""


@dataclasses.dataclass
class PullOutcome:
    """What happened to one source."""

    source: DataSource
    ok: bool
    message: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hands every redirect back to the caller, which decides whether to follow it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), (parts.netloc or "").lower()


def fetch(url: str, *, timeout: float | None = None, limit: int | None = None) -> tuple[bytes, str]:
    """The body and Content-Type at ``url`` (raises PullError), within the module's bounds."""
    timeout = settings.PORTAL_PULL_TIMEOUT if timeout is None else timeout
    limit = settings.PORTAL_PULL_MAX_BYTES if limit is None else limit
    if _origin(url)[0] not in ("http", "https"):
        raise PullError(_("Only http:// and https:// addresses are fetched."))
    start = _origin(url)
    deadline = time.monotonic() + timeout
    for _redirect in range(MAX_REDIRECTS + 1):
        request = urllib.request.Request(url, headers={"Accept": "text/csv, application/json"})
        try:
            response = _opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            if error.code in (301, 302, 303, 307, 308) and error.headers.get("Location"):
                target = urllib.parse.urljoin(url, error.headers["Location"])
                error.close()
                if _origin(target) != start:
                    raise PullError(
                        _("The address redirects to another host (%(target)s); not followed.")
                        % {"target": target}
                    ) from None
                url = target
                continue
            error.close()
            raise PullError(
                _("The server answered HTTP %(code)s.") % {"code": error.code}
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise PullError(
                _("The address could not be fetched: %(reason)s") % {"reason": reason}
            ) from None
        with response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise PullError(_too_large(limit))
            chunks, size = [], 0
            try:
                while chunk := response.read(READ_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise PullError(_too_large(limit))
                    if time.monotonic() > deadline:
                        raise PullError(_("The server took too long to send the file."))
                    chunks.append(chunk)
            except (OSError, TimeoutError) as error:
                raise PullError(
                    _("The address could not be fetched: %(reason)s") % {"reason": error}
                ) from None
            return b"".join(chunks), response.headers.get("Content-Type", "")
    raise PullError(_("Too many redirects."))


def _too_large(limit: int) -> str:
    return _("The file is larger than %(limit)s bytes; not imported.") % {"limit": f"{limit:,}"}


def pull_source(source: DataSource) -> PullOutcome:
    """Fetch and import one source, and record the outcome on it."""
    try:
        data, content_type = fetch(source.url)
        kind = source.format if source.format != DataSource.Format.AUTO else None
        kind = kind or body_format(content_type)
        if kind is None:
            path = urllib.parse.urlsplit(source.url).path.lower()
            kind = JSON if path.endswith(".json") else CSV
        origin = {"via": "pull", "source": source.name, "source_id": source.pk, "url": source.url}
        try:
            result = import_batch(
                data, kind, source.department, name=f"{source.name}.{kind}", origin=origin
            )
        except BodyError as error:
            raise PullError(str(error)) from None
        if not result.ok:
            raise PullError(
                _("Nothing imported: %(errors)s")
                % {"errors": "; ".join(error_report_lines(result)[:20])}
            )
        outcome = PullOutcome(source, True, summary_line(result))
    except PullError as error:
        outcome = PullOutcome(source, False, str(error))
    now = timezone.now()
    if outcome.ok:
        source.last_success_at = now
    else:
        source.last_failure_at = now
    source.last_message = outcome.message
    source.save(update_fields=["last_success_at", "last_failure_at", "last_message"])
    return outcome


def pull_all_sources() -> list[PullOutcome]:
    """Pull every active source, each on its own: a failure does not stop the others."""
    sources = DataSource.objects.filter(active=True).select_related("department")
    return [pull_source(source) for source in sources.order_by("pk")]
