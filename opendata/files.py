"""Each dataset's CSV, XLSX and JSON files, built when its data changed and stored.

A dataset's files are checked against the portal's data version (``portal.cache``), which every
change of public data bumps: while the version is the one the files were checked at, they are
served from storage as they are (no query of the data, no file written). After a change the
dataset's rows are read again; only if they differ (their digest) are the files written again,
under a name of their own, and the dataset's "last change" moves. That happens on the first
request after a change, or earlier in ``opendata.tasks.refresh_open_data``.

The files are written by ``portal.exports`` (the site's one CSV/XLSX writer: BOM for Excel,
formulas kept as text, cells fitted to XLSX's limits).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass

import pandas as pd
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from opendata.datasets import Dataset
from opendata.models import DatasetFile, OpenDataSettings
from portal import exports
from portal.cache import data_version
from portal.i18n import localized

logger = logging.getLogger(__name__)

FOLDER = "opendata"


def licence_text(settings: OpenDataSettings | None = None) -> str:
    """The licence line in the active language."""
    settings = settings or OpenDataSettings.current()
    return localized(settings.licence, settings.licence_en)


def dictionary(dataset: Dataset) -> list[dict]:
    """The data dictionary: each column's key, heading, meaning and unit."""
    return [
        {"field": f.key, "label": str(f.label), "meaning": str(f.meaning), "unit": str(f.unit)}
        for f in dataset.fields
    ]


@dataclass
class Built:
    """A dataset's files in one language, before they are stored."""

    rows: list[dict]
    about: dict
    digest: str
    last_changed: datetime.datetime | None


def _frame(dataset: Dataset, rows: list[dict]) -> pd.DataFrame:
    # dtype object: a missing rank must not turn the other ranks into floats (1.0).
    return pd.DataFrame(rows, columns=dataset.keys, dtype=object)


def build(dataset: Dataset, licence: str) -> Built:
    """Read the dataset's rows and write its three files (in the active language)."""
    rows, changed = dataset.read()
    about = {
        "dataset": dataset.key,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "licence": licence,
        "fields": dictionary(dataset),
    }
    digest = hashlib.sha256(
        json.dumps([about, rows], ensure_ascii=False, default=str, sort_keys=True).encode()
    ).hexdigest()
    return Built(rows, about, digest, changed)


def _bodies(dataset: Dataset, built: Built, last_changed: datetime.datetime) -> dict[str, bytes]:
    """The CSV (the table alone), the XLSX (the table, its dictionary and an "about" sheet)
    and the JSON (all of it as fields)."""
    rows, about = built.rows, built.about
    frame = _frame(dataset, rows)
    labels = dataset.labels()
    changed = timezone.localtime(last_changed).isoformat(timespec="seconds")
    fields = about["fields"]
    sheet_dictionary = pd.DataFrame(
        [[f["field"], f["label"], f["meaning"], f["unit"]] for f in fields],
        columns=[_("Field"), _("Heading"), _("Meaning"), _("Unit")],
    )
    about_sheet = exports.about_frame(
        [
            (_("Dataset"), about["title"]),
            (_("Description"), about["description"]),
            (_("Licence"), about["licence"]),
            (_("Rows"), len(rows)),
            (_("Data last changed"), changed),
        ]
    )
    return {
        "csv": exports.frame_csv(frame, labels),
        "xlsx": exports.workbook(
            [
                ("data", frame.rename(columns=labels)),
                ("dictionary", sheet_dictionary),
                ("about", about_sheet),
            ]
        ),
        "json": exports.json_bytes(
            {
                **about,
                "rows": len(rows),
                "last_changed": changed,
                "columns": exports.columns_json(dataset.keys, labels),
                "data": rows,
            }
        ),
    }


def ensure_current(
    dataset: Dataset,
    record: DatasetFile | None = None,
    *,
    licence: str | None = None,
    version: int | None = None,
) -> DatasetFile:
    """The dataset's stored files in the active language, built again first if the data may
    have changed since they were checked (``record``: its stored record, when the caller has
    read it already; ``version``: the current data version, likewise)."""
    language = translation.get_language()
    if record is None:
        record = DatasetFile.objects.filter(key=dataset.key, language=language).first()
    if version is None:
        version = data_version()
    if record is not None and version is not None and record.data_version == version:
        return record
    licence = licence if licence is not None else licence_text()
    built = build(dataset, licence)
    now = timezone.now()
    if record is not None and record.digest == built.digest and _stored(record):
        # The data changed elsewhere (the version is site-wide): these files still hold.
        DatasetFile.objects.filter(pk=record.pk).update(data_version=version)
        record.data_version = version
        return record
    last_changed = built.last_changed
    if (
        record is not None
        and record.last_changed
        and (last_changed is None or last_changed <= record.last_changed)
    ):
        # The content changed with no newer time stamp in the data (a department renamed,
        # a row removed): the change is as recent as this check.
        last_changed = now
    files = {}
    for fmt, body in _bodies(dataset, built, last_changed or now).items():
        name = f"{FOLDER}/{dataset.key}/{language}/{built.digest[:24]}.{fmt}"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(body))
        files[fmt] = {"name": name, "size": len(body)}
    old = record.files if record is not None else {}
    record, _created = DatasetFile.objects.update_or_create(
        key=dataset.key,
        language=language,
        defaults={
            "data_version": version,
            "digest": built.digest,
            "rows": len(built.rows),
            "last_changed": last_changed or now,
            "generated_at": now,
            "files": files,
        },
    )
    for fmt, stored in old.items():
        if stored["name"] != files.get(fmt, {}).get("name"):
            _delete(stored["name"])
    return record


def _stored(record: DatasetFile) -> bool:
    return all(default_storage.exists(f["name"]) for f in record.files.values())


def _delete(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:  # another worker removed it first, or the storage is read-only for now
        logger.warning("could not delete the old open-data file %s", name)


def current_files(datasets: list[Dataset]) -> list[tuple[Dataset, DatasetFile]]:
    """Each dataset with its stored record in the active language, built again where the
    data changed: one query for all the records while they are current."""
    language = translation.get_language()
    records = {
        r.key: r
        for r in DatasetFile.objects.filter(language=language, key__in=[d.key for d in datasets])
    }
    version = data_version()
    licence = None
    result = []
    for dataset in datasets:
        record = records.get(dataset.key)
        if record is None or version is None or record.data_version != version:
            licence = licence if licence is not None else licence_text()
        result.append((dataset, ensure_current(dataset, record, licence=licence, version=version)))
    return result


def open_file(record: DatasetFile, fmt: str):
    """The stored file, open for reading (the response streams and closes it)."""
    return default_storage.open(record.files[fmt]["name"], "rb")
