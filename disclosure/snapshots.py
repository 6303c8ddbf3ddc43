"""Frozen figures: a report's block figures stored with each published revision, the
correction notices of figures corrected since, and the report's earlier published versions.

``take_snapshot`` runs when a report is published (Wagtail's ``page_published`` signal): every
block that has figures computes them once per site language. The public page and the block
downloads then read the snapshot of the live revision, never the current data; a figure
corrected since shows as a dated notice with the published and the current value.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils import timezone, translation

from disclosure.figures import parse_value_key
from portal.models import Measurement

# No import of disclosure.models here: it imports this module (the page reads its snapshot).
from portal.values import number_or_none


def compute_block_figures(page) -> dict[str, dict]:
    """The figures of every figure block of the page's body, by block id, in the active
    language."""
    return {
        child.id: child.block.compute_figures(child.value)
        for child in page.body
        if hasattr(child.block, "compute_figures")
    }


def take_snapshot(page, revision=None):
    """Store the figures of ``page`` as published in ``revision`` (one per language)."""
    figures = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            figures[language] = compute_block_figures(page)
    return page.snapshots.create(
        revision=revision,
        title=page.title,
        published_at=page.last_published_at or timezone.now(),
        figures=figures,
    )


def live_snapshot(page):
    """The snapshot of the page's live revision (the newest one when several)."""
    if page.live_revision_id is None:
        return None
    return (
        page.snapshots.filter(revision_id=page.live_revision_id)
        .order_by("-published_at", "-pk")
        .first()
    )


def earlier_versions(page, current):
    """The report's earlier published versions, newest first (figures not loaded)."""
    versions = page.snapshots.defer("figures")
    if current is not None:
        versions = versions.exclude(pk=current.pk).filter(published_at__lte=current.published_at)
    return list(versions.order_by("-published_at", "-pk"))


def _same(published, current) -> bool:
    published, current = number_or_none(published), number_or_none(current)
    if published is None or current is None:
        return published is current
    return round(published, 4) == round(current, 4)


def correction_notices(
    figures_by_block: dict[str, dict], published_at: datetime.datetime
) -> list[dict]:
    """The figures shown that have been corrected since ``published_at``: label, the value as
    published, the current value, the date of the last correction and a link to the current
    data. One query over the shown keys only (never recomputing a block)."""
    shown: dict[tuple[str, str], dict] = {}
    for figures in figures_by_block.values():
        for entry in figures.get("values") or []:
            parsed = parse_value_key(entry.get("key", ""))
            if parsed and parsed[2] == "value":
                shown.setdefault((parsed[0], parsed[1]), entry)
    if not shown:
        return []
    codes = {code for code, _month in shown}
    months = {datetime.date(int(m[:4]), int(m[5:7]), 1) for _code, m in shown}
    corrected = (
        Measurement.objects.filter(
            indicator__code__in=codes,
            period__in=months,
            corrections__corrected_at__gt=published_at,
        )
        .values("indicator__code", "period", "value")
        .annotate(last=Max("corrections__corrected_at"))
    )
    notices = []
    for row in corrected:
        key = (row["indicator__code"], f"{row['period']:%Y-%m}")
        entry = shown.get(key)
        if entry is None or _same(entry.get("value"), row["value"]):
            continue
        notices.append(
            {
                "label": entry.get("label", ""),
                "published": entry.get("value"),
                "current": float(row["value"])
                if isinstance(row["value"], Decimal)
                else row["value"],
                "corrected_at": timezone.localtime(row["last"]).date(),
                "link": entry.get("link", ""),
            }
        )
    notices.sort(key=lambda n: (n["corrected_at"], n["label"]))
    return notices
