"""The open-data catalogue (/data/) and its downloads (namespace ``opendata``)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from opendata import datasets, files
from portal import exports
from portal.cache import cached_public_page


@cached_public_page
@require_safe
def catalogue(request):
    """Every dataset with its data dictionary, licence, rows, file sizes and last change."""
    entries = [
        {
            "dataset": dataset,
            "record": record,
            "dictionary": files.dictionary(dataset),
            "downloads": [
                {"format": fmt, "size": record.files[fmt]["size"]} for fmt in exports.FORMATS
            ],
        }
        for dataset, record in files.current_files(datasets.catalogue())
    ]
    return render(
        request,
        "opendata/catalogue.html",
        {"entries": entries, "licence": files.licence_text()},
    )


@cached_public_page
@require_safe
def download(request, key, fmt):
    """A dataset's stored file, built first only if its data changed since. Streamed from
    storage, so the page cache keeps no second copy of it (it keeps no streamed response);
    ETag and Last-Modified let a client that has it already get a 304."""
    dataset = datasets.find(key)
    if dataset is None or fmt not in exports.FORMATS:
        raise Http404("No such dataset")
    record = files.ensure_current(dataset)
    etag = f'"{record.digest[:32]}-{fmt}"'
    last_modified = record.last_changed.timestamp() if record.last_changed else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified
    response = FileResponse(
        files.open_file(record, fmt),
        content_type=exports.CONTENT_TYPES[fmt],
    )
    response["Content-Disposition"] = exports.content_disposition(f"{dataset.key}.{fmt}")
    response["Content-Length"] = str(record.files[fmt]["size"])
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return response
