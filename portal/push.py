"""Measurements sent by departments' systems (the push API and pulled files), through the import.

A batch is JSON — a list of objects, or ``{"rows": [...]}`` — or CSV with the columns of a file
import (``indicator_code, period, value, note, source, reason``). It is imported by
``portal.importing`` as the token's (or the source's) department: all or nothing, only that
department's indicators, never a closed cycle, the same value again changing nothing and a
changed value becoming a correction with its history. The import's summary entry in the audit
log names the token or the source (``origin``).

A batch sent with an ``Idempotency-Key`` is answered once: the accepted answer is kept for a
day (``PushReceipt``), the same key and body get it again without a second write, and the same
key with another body is refused. Refused batches keep nothing, so a corrected batch may reuse
its key.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import json
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.importing import (
    CYCLE,
    DEPARTMENT,
    ImportResult,
    import_measurement_records,
    import_measurements,
    summary_line,
)
from portal.models import ApiToken, Department, PushReceipt

CSV = "csv"
JSON = "json"
RECEIPT_LIFETIME = datetime.timedelta(hours=24)
MAX_KEY_LENGTH = 255


class BodyError(Exception):
    """A batch that cannot be read at all (the message says why); nothing is imported."""


@dataclasses.dataclass
class Answer:
    """The HTTP status and JSON body the push API answers with."""

    status: int
    body: dict
    replayed: bool = False


def body_format(content_type: str) -> str | None:
    """CSV or JSON from a Content-Type header (parameters such as charset ignored), or None."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in ("application/json", "text/json") or media.endswith("+json"):
        return JSON
    if media in ("text/csv", "application/csv", "text/plain"):
        return CSV
    return None


def _no_constant(name: str):
    raise ValueError(name)


def json_records(data: bytes) -> list:
    """The measurements of a JSON batch: a list of objects, or an object with a "rows" list."""
    try:
        # Decimal keeps 0.1 exactly 0.1; NaN and Infinity are not JSON numbers.
        parsed = json.loads(data, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise BodyError(
            _("The body is not valid JSON (line %(line)s, column %(column)s: %(problem)s).")
            % {"line": error.lineno, "column": error.colno, "problem": error.msg}
        ) from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BodyError(_("The body is not valid JSON.")) from None
    if isinstance(parsed, dict) and isinstance(parsed.get("rows"), list):
        return parsed["rows"]
    if isinstance(parsed, list):
        return parsed
    raise BodyError(
        _('The JSON body must be a list of measurements or an object with a "rows" list.')
    )


def import_batch(
    data: bytes, kind: str, department: Department, *, name: str, origin: dict
) -> ImportResult:
    """Import one batch for ``department`` as the system (raises BodyError when unreadable)."""
    options = {
        "department": department,
        "origin": origin,
        "closed_cycles": False,
        "recompute_later": True,
    }
    if kind == JSON:
        return import_measurement_records(json_records(data), name, **options)
    return import_measurements(io.BytesIO(data), name, **options)


def _issues(result: ImportResult) -> list[dict]:
    return [
        {"row": issue.row, "column": issue.column, "message": issue.message}
        for issue in result.errors
    ]


def result_answer(result: ImportResult, department: Department) -> Answer:
    """The answer for an import's result: 200 with the counts, or the refusal with every row's
    problem (403 when a row is another department's indicator, else 400)."""
    if result.ok:
        return Answer(
            200,
            {
                "status": "accepted",
                "message": summary_line(result),
                "rows": result.rows,
                "created": result.created,
                "corrected": result.corrected,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "cycles": [cycle.year for cycle in result.cycles],
            },
        )
    body = {"errors": _issues(result), "more_errors": result.more_errors}
    foreign = sorted({i.row for i in result.errors if i.kind == DEPARTMENT and i.row})
    if foreign:
        rows = ", ".join(str(row) for row in foreign)
        message = ngettext(
            "Row %(rows)s holds an indicator of another department: this token may send only "
            "%(department)s's indicators. Nothing was written.",
            "Rows %(rows)s hold indicators of another department: this token may send only "
            "%(department)s's indicators. Nothing was written.",
            len(foreign),
        ) % {"rows": rows, "department": department}
        return Answer(403, {"error": "other_department", "message": message, **body})
    if any(issue.kind == CYCLE for issue in result.errors):
        code = "outside_cycle"
        message = _(
            "Some months are outside their indicator's cycle or in a closed cycle. "
            "Nothing was written."
        )
    else:
        code = "invalid_rows"
        message = ngettext(
            "%(count)s problem in the batch; nothing was written.",
            "%(count)s problems in the batch; nothing was written.",
            result.error_count,
        ) % {"count": result.error_count}
    return Answer(400, {"error": code, "message": message, **body})


def _error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"error": code, "message": message})


def _replay(receipt: PushReceipt | None, body_hash: str) -> Answer | None:
    if receipt is None:
        return None
    if receipt.body_hash != body_hash:
        return _error(
            422,
            "idempotency_key_reused",
            _(
                "This Idempotency-Key was already used for a different batch. Send a new key "
                "with a new batch; repeat a key only to retry exactly the same body."
            ),
        )
    return Answer(receipt.status, receipt.answer, replayed=True)


def _receipt(token: ApiToken, key: str) -> PushReceipt | None:
    cutoff = timezone.now() - RECEIPT_LIFETIME
    return PushReceipt.objects.filter(token=token, key=key, created_at__gte=cutoff).first()


def push_measurements(
    token: ApiToken, data: bytes, kind: str, *, idempotency_key: str = ""
) -> Answer:
    """Import a batch a department's system sent with ``token``; the answer to send back."""
    key = idempotency_key.strip()
    if len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        return _error(
            400,
            "bad_idempotency_key",
            _("The Idempotency-Key must be printable ASCII of at most %(max)s characters.")
            % {"max": MAX_KEY_LENGTH},
        )
    body_hash = hashlib.sha256(data).hexdigest()
    if key and (answer := _replay(_receipt(token, key), body_hash)):
        return answer
    origin = {"via": "push API", "token": str(token), "token_id": token.pk}
    if key:
        origin["idempotency_key"] = key
    try:
        with transaction.atomic():
            receipt = None
            if key:
                # Taken first: the same key arriving twice at once waits here for the first
                # request's transaction, then finds its receipt. Expired receipts go first,
                # so that an old key may be used again.
                PushReceipt.objects.filter(
                    token=token, key=key, created_at__lt=timezone.now() - RECEIPT_LIFETIME
                ).delete()
                receipt = PushReceipt.objects.create(
                    token=token, key=key, body_hash=body_hash, status=0, answer={}
                )
            result = import_batch(data, kind, token.department, name=f"push.{kind}", origin=origin)
            answer = result_answer(result, token.department)
            if not result.ok:
                transaction.set_rollback(True)  # a refused batch keeps no receipt
            elif receipt is not None:
                receipt.status, receipt.answer = answer.status, answer.body
                receipt.save(update_fields=["status", "answer"])
    except BodyError as error:
        return _error(400, "malformed_body", str(error))
    except IntegrityError:
        # The same key arrived twice at once: the other request's batch was written.
        return _replay(_receipt(token, key), body_hash) or _error(
            409, "conflict", _("Another request sent the same batch at the same time; retry.")
        )
    return answer
