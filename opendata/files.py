"""What a request serves: each dataset's last built files, and whether newer ones are coming.

A request never builds (``opendata.building`` does, in the background): it reads the datasets'
records, one query for all of them, and compares each with the portal's data version
(``portal.cache``), which every change of public data moves:

- ``current``: the files were checked against the current data version;
- ``updating``: the data changed since; a build is queued, and until it ends the last files are
  served with their own "data as of" time;
- ``preparing``: the dataset was never built (a year just published); its downloads answer
  503 with Retry-After until the build is done.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.utils import translation

from opendata.datasets import Dataset
from opendata.models import DatasetFile, OpenDataSettings
from portal.cache import data_version
from portal.i18n import localized

FOLDER = "opendata"
CURRENT, UPDATING, PREPARING = "current", "updating", "preparing"


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
class Stored:
    """A dataset with its last built files in the active language (None: never built)."""

    dataset: Dataset
    record: DatasetFile | None
    state: str

    @property
    def as_of(self):
        """When the files' data was read (the "data as of" time shown with them)."""
        if self.record is None:
            return None
        return self.record.checked_at or self.record.generated_at


def _state(record: DatasetFile | None, version: int | None) -> str:
    if record is None or not record.files:
        return PREPARING
    # The version unknown (the shared cache unreachable): the files are all there is to say.
    if version is None or record.data_version == version:
        return CURRENT
    return UPDATING


def stored_files(datasets: list[Dataset]) -> list[Stored]:
    """Each dataset with its last built files in the active language: one query."""
    records = {
        r.key: r
        for r in DatasetFile.objects.filter(
            language=translation.get_language(), key__in=[d.key for d in datasets]
        )
    }
    version = data_version()
    return [Stored(d, records.get(d.key), _state(records.get(d.key), version)) for d in datasets]


def stored_file(dataset: Dataset) -> Stored:
    return stored_files([dataset])[0]


def open_file(record: DatasetFile, fmt: str):
    """The stored file, open for reading (the response streams and closes it)."""
    return default_storage.open(record.files[fmt]["name"], "rb")
