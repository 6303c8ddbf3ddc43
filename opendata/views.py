"""The open-data catalogue (/data/) and its downloads (namespace ``opendata``).

Neither ever builds a file (``opendata.files`` says what they serve instead)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from opendata import datasets, files
from portal import exports
from portal.cache import cached_public_page

# Seconds a client is asked to wait for a dataset that is being prepared.
RETRY_AFTER = 120


@cached_public_page
@require_safe
def catalogue(request):
    """Every dataset with its data dictionary, licence, rows, file sizes and last change."""
    stored = files.stored_files(datasets.catalogue())
    entries = [
        {
            "dataset": item.dataset,
            "record": item.record,
            "state": item.state,
            "as_of": item.as_of,
            "dictionary": files.dictionary(item.dataset),
            "downloads": [
                {"format": fmt, "size": item.record.files[fmt]["size"]}
                for fmt in exports.FORMATS
                if item.record is not None and fmt in item.record.files
            ],
        }
        for item in stored
    ]
    updating = any(item.state != files.CURRENT for item in stored)
    response = render(
        request,
        "opendata/catalogue.html",
        {"entries": entries, "licence": files.licence_text(), "updating": updating},
    )
    if updating:
        # The build ends without moving the data version: a copy of this page kept in the
        # page cache would go on saying "updating" after it.
        patch_cache_control(response, no_store=True)
    return response


@cached_public_page
@require_safe
def download(request, key, fmt):
    """A dataset's last built file, streamed from storage (the page cache keeps no streamed
    response); ETag and Last-Modified let a client that has it already get a 304. A dataset
    never built yet answers 503 with Retry-After."""
    dataset = datasets.find(key)
    if dataset is None or fmt not in exports.FORMATS:
        raise Http404("No such dataset")
    record, body = _open(dataset, fmt)
    if record is None:
        response = HttpResponse(
            _("This dataset is being prepared. Please try again in a few minutes."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    etag = f'"{record.digest[:32]}-{fmt}"'
    last_modified = record.last_changed.timestamp() if record.last_changed else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        body.close()
        return not_modified
    response = FileResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = exports.content_disposition(f"{dataset.key}.{fmt}")
    response["Content-Length"] = str(record.files[fmt]["size"])
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return response


def _open(dataset, fmt):
    """The dataset's record and its file open for reading; (None, None) while it has none. A
    build may switch to new files (and remove the old) between reading the record and
    opening its file: the record is then read again."""
    for _attempt in range(2):
        record = files.stored_file(dataset).record
        if record is None or fmt not in record.files:
            return None, None
        try:
            return record, files.open_file(record, fmt)
        except FileNotFoundError:
            continue
    return None, None
