"""Building the catalogue's files, in the background and never in a visitor's request.

``build_catalogue`` reads every dataset in every language of the site and writes the CSV, XLSX
and JSON of those whose content changed (``digest``); it runs as the django-tasks task of
``opendata.tasks`` once the data version moved, and as ``manage.py build_open_data``.

- Atomic per dataset and language: the new files are written under names of their own first,
  then the dataset's record is switched to them in one UPDATE; a download reads either the old
  record and files or the new ones. The old files are removed after the switch.
- A dataset that fails is logged and left as it was; the others are built.
- Two builds at once: a lock in the shared cache lets one run and asks it to run again when it
  ends (a change may have come after it read a dataset); and whatever happens to the lock
  (expired, a cache restart), the switch locks the record's row and never replaces files
  checked against a newer data version with files from an older one.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from opendata import datasets as catalogue_datasets
from opendata import writers
from opendata.datasets import Dataset
from opendata.files import FOLDER, dictionary, licence_text
from opendata.models import DatasetFile
from portal.cache import data_version

logger = logging.getLogger(__name__)

LOCK_KEY = "opendata:build-lock"
RERUN_KEY = "opendata:build-rerun"
# Renewed after every dataset: a build whose process died frees the lock after this long.
LOCK_SECONDS = 15 * 60


@dataclass
class DatasetOutcome:
    """What the build did with one dataset in one language."""

    key: str
    language: str
    result: str  # "written", "unchanged", "superseded" or "failed"
    rows: int = 0
    seconds: float = 0.0


@dataclass
class BuildReport:
    """What ``build_catalogue`` did; ``busy`` when another build held the lock, ``rerun``
    when another build was asked for while this one ran (the caller queues it)."""

    busy: bool = False
    rerun: bool = False
    outcomes: list[DatasetOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[DatasetOutcome]:
        return [o for o in self.outcomes if o.result == "failed"]

    def summary(self) -> dict:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.result] = counts.get(outcome.result, 0) + 1
        return {"busy": self.busy, "seconds": round(self.seconds, 2), **counts}


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def build_catalogue(
    *,
    keys: list[str] | None = None,
    progress: Callable[[DatasetOutcome], None] | None = None,
) -> BuildReport:
    """Build the files of every dataset (or of ``keys``) in every language, unless another
    build holds the lock: that one is then asked to run again when it ends (``rerun``)."""
    # Asked first, then the lock tried: a build that ends between the two sees the request.
    cache.set(RERUN_KEY, True, LOCK_SECONDS)
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, LOCK_SECONDS):
        logger.info("open data: a build is running; it will run again when it ends")
        return BuildReport(busy=True)
    cache.delete(RERUN_KEY)
    started = time.monotonic()
    report = BuildReport()
    try:
        _build_all(report, keys, progress, token)
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)
    report.seconds = time.monotonic() - started
    if cache.get(RERUN_KEY):
        # Another build was asked for while this one ran: the caller queues it.
        cache.delete(RERUN_KEY)
        report.rerun = True
    return report


def _build_all(report, keys, progress, token) -> None:
    # Read before any data: the files are at least as recent as this version.
    version = data_version()
    for language in languages():
        with translation.override(language):
            try:
                wanted = catalogue_datasets.catalogue()
                licence = licence_text()
            except Exception:
                logger.exception("open data: could not list the datasets (%s)", language)
                continue
            if keys is None:
                _forget_withdrawn(language, {d.key for d in wanted})
            for dataset in wanted:
                if keys is not None and dataset.key not in keys:
                    continue
                outcome = build_dataset(dataset, version=version, licence=licence)
                report.outcomes.append(outcome)
                if progress:
                    progress(outcome)
                if cache.get(LOCK_KEY) == token:
                    cache.touch(LOCK_KEY, LOCK_SECONDS)


def build_dataset(dataset: Dataset, *, version: int | None, licence: str) -> DatasetOutcome:
    """Build one dataset's files in the active language; a failure is logged, not raised."""
    language = translation.get_language()
    started = time.monotonic()
    outcome = DatasetOutcome(dataset.key, language, "failed")
    try:
        outcome.result, outcome.rows = _build(dataset, language, version, licence)
    except Exception:
        logger.exception("open data: building %s (%s) failed", dataset.key, language)
    outcome.seconds = time.monotonic() - started
    return outcome


def _older(version: int | None) -> Q:
    """Records checked against an older data version than ``version`` (a build that could not
    read the version replaces only records that have none either)."""
    if version is None:
        return Q(data_version__isnull=True)
    return Q(data_version__isnull=True) | Q(data_version__lte=version)


def _build(dataset: Dataset, language: str, version: int | None, licence: str):
    checked_at = timezone.now()
    rows, changed = dataset.read()
    about = {
        "dataset": dataset.key,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "licence": licence,
        "fields": dictionary(dataset),
    }
    digest = hashlib.sha256(
        json.dumps([about, rows], ensure_ascii=False, default=str).encode()
    ).hexdigest()
    record = DatasetFile.objects.filter(key=dataset.key, language=language).first()
    if record is not None and record.digest == digest and _stored(record):
        # The data changed elsewhere (the version is site-wide): these files still hold.
        DatasetFile.objects.filter(_older(version), pk=record.pk).update(
            data_version=version, checked_at=checked_at
        )
        return "unchanged", len(rows)
    last_changed = changed
    if (
        record is not None
        and record.last_changed
        and (last_changed is None or last_changed <= record.last_changed)
    ):
        # The content changed with no newer time stamp in the data (a department renamed,
        # a row removed): the change is as recent as this check.
        last_changed = checked_at
    last_changed = last_changed or checked_at
    files = {}
    for fmt, body in _bodies(dataset, about, rows, last_changed).items():
        name = f"{FOLDER}/{dataset.key}/{language}/{digest[:24]}.{fmt}"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(body))
        files[fmt] = {"name": name, "size": len(body)}
    values = {
        "data_version": version,
        "digest": digest,
        "rows": len(rows),
        "last_changed": last_changed,
        "generated_at": timezone.now(),
        "checked_at": checked_at,
        "files": files,
    }
    old = _switch(dataset.key, language, version, values)
    if old is None:  # a build that read newer data switched first: ours go
        _remove(files, keep=_current_names(dataset.key, language))
        return "superseded", len(rows)
    _remove(old, keep={f["name"] for f in files.values()})
    return "written", len(rows)


def _switch(key: str, language: str, version: int | None, values: dict) -> dict | None:
    """Point the record at the new files (the row locked, so two builds switch one after the
    other); returns the files it pointed at before, or None when it holds newer ones."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                record = (
                    DatasetFile.objects.select_for_update()
                    .filter(key=key, language=language)
                    .first()
                )
                if record is None:
                    DatasetFile.objects.create(key=key, language=language, **values)
                    return {}
                if not DatasetFile.objects.filter(_older(version), pk=record.pk).exists():
                    return None
                DatasetFile.objects.filter(pk=record.pk).update(**values)
                return record.files
        except IntegrityError:  # another build created the record first: lock it and compare
            continue
    return None


def _current_names(key: str, language: str) -> set[str]:
    record = DatasetFile.objects.filter(key=key, language=language).first()
    return {f["name"] for f in record.files.values()} if record else set()


def _bodies(dataset: Dataset, about: dict, rows: list[dict], last_changed) -> dict[str, bytes]:
    """The CSV (the table alone), the XLSX (the table, its dictionary and an "about" sheet)
    and the JSON (all of it as fields)."""
    keys = dataset.keys
    labels = dataset.labels()
    headings = [labels[k] for k in keys]
    changed = timezone.localtime(last_changed).isoformat(timespec="seconds")
    fields = about["fields"]
    facts = [
        (_("Dataset"), about["title"]),
        (_("Description"), about["description"]),
        (_("Licence"), about["licence"]),
        (_("Rows"), len(rows)),
        (_("Data last changed"), changed),
    ]
    return {
        "csv": writers.csv_bytes(headings, keys, rows),
        "xlsx": writers.xlsx_bytes(
            [
                ("data", headings, ([row[k] for k in keys] for row in rows)),
                (
                    "dictionary",
                    [_("Field"), _("Heading"), _("Meaning"), _("Unit")],
                    [[f["field"], f["label"], f["meaning"], f["unit"]] for f in fields],
                ),
                ("about", [_("Field"), _("Value")], facts),
            ]
        ),
        "json": writers.json_bytes(
            {
                **about,
                "rows": len(rows),
                "last_changed": changed,
                "columns": [{"key": k, "label": labels[k]} for k in keys],
            },
            rows,
        ),
    }


def _stored(record: DatasetFile) -> bool:
    return bool(record.files) and all(
        default_storage.exists(f["name"]) for f in record.files.values()
    )


def _remove(files: dict, keep: set[str]) -> None:
    for stored in files.values():
        if stored["name"] not in keep:
            try:
                default_storage.delete(stored["name"])
            except OSError:  # removed already, or the storage is read-only for now
                logger.warning("open data: could not delete the old file %s", stored["name"])


def _forget_withdrawn(language: str, keys: set[str]) -> None:
    """Remove the files of datasets no longer in the catalogue (a cycle unpublished)."""
    for record in DatasetFile.objects.filter(language=language).exclude(key__in=keys):
        _remove(record.files, keep=set())
        record.delete()


def as_of(record: DatasetFile) -> datetime.datetime:
    """When the record's files were last checked against the data."""
    return record.checked_at or record.generated_at
