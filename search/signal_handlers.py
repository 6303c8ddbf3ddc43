"""Keep the index true: every change to the domain queues the documents that show it.

The documents are written after the transaction commits (``search.indexing.queue``), so a
rolled-back change never reaches the index and a failing engine never fails the save. Content
apps keep their own documents true (``disclosure/search.py``, ``surveys/search.py``); where a
change in the domain reaches them, search tells them through ``search.signals``.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from portal.models import Cycle, Department, Goal, Indicator, Measurement, MeasurementCorrection
from portal.signals import cycle_recomputed, measurements_written
from search import signals, synonyms
from search.indexing import queue
from search.models import SearchSynonym

DEPARTMENT_FIELDS = ("name", "short_name", "name_en", "slug", "description", "active")
# A department's names: every document of the department shows them.
NAMES = ("name", "short_name", "name_en")


def _goals_and_below(**goal_lookup) -> None:
    """Queue the goals matching ``goal_lookup``, their indicators and their monthly results."""
    queue("goal", Goal.objects.filter(**goal_lookup).values_list("pk", flat=True))
    queue(
        "indicator",
        Indicator.objects.filter(
            **{f"goal__{key}": value for key, value in goal_lookup.items()}
        ).values_list("pk", flat=True),
    )
    queue(
        "result",
        Measurement.objects.filter(
            **{f"indicator__goal__{key}": value for key, value in goal_lookup.items()}
        ).values_list("pk", flat=True),
    )


def _cycle_contents(cycle_ids) -> None:
    """Every document of these cycles: goals, indicators and monthly results."""
    _goals_and_below(cycle__in=cycle_ids)


def goal_saved(sender, instance, created=False, **kwargs):
    queue("goal", [instance.pk])
    if not created:  # indicators show their goal's title; a new goal has none yet
        queue("indicator", instance.indicators.values_list("pk", flat=True))


def goal_deleted(sender, instance, **kwargs):
    queue("goal", [instance.pk])


def goal_departments_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # department.co_goals changed: instance is a department
        queue("goal", pk_set or instance.co_goals.values_list("pk", flat=True))
    else:
        queue("goal", [instance.pk])


def indicator_saved(sender, instance, created=False, **kwargs):
    queue("indicator", [instance.pk])
    if not created:  # monthly results carry the indicator's name, unit and target
        queue("result", instance.measurements.values_list("pk", flat=True))
        signals.published_data_changed.send(sender=Indicator, instance=instance)


def indicator_deleted(sender, instance, **kwargs):
    queue("indicator", [instance.pk])
    signals.published_data_changed.send(sender=Indicator, instance=instance)


def measurement_changed(sender, instance, **kwargs):
    queue("result", [instance.pk])


def correction_changed(sender, instance, **kwargs):
    # The result says whether its figure was corrected.
    queue("result", [instance.measurement_id])


def cycle_before_save(sender, instance, **kwargs):
    old = None
    if instance.pk:
        old = Cycle.objects.filter(pk=instance.pk).values("published", "year").first()
    instance._search_before = old


def cycle_saved(sender, instance, created, **kwargs):
    old = getattr(instance, "_search_before", None)
    if old is None or old["published"] != instance.published or old["year"] != instance.year:
        # Publishing adds the whole year, unpublishing removes it (its documents build as none).
        _cycle_contents([instance.pk])
        signals.published_data_changed.send(sender=Cycle, instance=instance)


def cycle_recomputed_handler(sender, cycle, **kwargs):
    # Statuses and latest values were rewritten without model signals.
    queue("goal", Goal.objects.filter(cycle=cycle).values_list("pk", flat=True))
    queue("indicator", Indicator.objects.filter(goal__cycle=cycle).values_list("pk", flat=True))


def measurements_written_handler(sender, measurement_ids, **kwargs):
    # The import's bulk writes: the monthly results it created or changed.
    queue("result", measurement_ids)


def department_before_save(sender, instance, **kwargs):
    old = None
    if instance.pk:
        old = Department.objects.filter(pk=instance.pk).values(*DEPARTMENT_FIELDS).first()
    instance._search_before = old


def department_saved(sender, instance, created, **kwargs):
    queue("department", [instance.pk])
    old = getattr(instance, "_search_before", None)
    if old is None:
        return
    changed = frozenset(f for f in (*NAMES, "active") if old[f] != getattr(instance, f))
    if changed:
        # Content apps' documents name their department too, and may be public only while it
        # is active (surveys and cases).
        signals.department_changed.send(sender=Department, instance=instance, changed=changed)
    if changed & set(NAMES):
        # Every document names its department: a rename reaches all of them.
        _goals_and_below(owner=instance)
        queue("goal", instance.co_goals.values_list("pk", flat=True))


def department_deleted(sender, instance, **kwargs):
    queue("department", [instance.pk])


def synonyms_changed(sender, **kwargs):
    synonyms.invalidate()


def connect() -> None:
    uid = "search-index"
    post_save.connect(goal_saved, sender=Goal, dispatch_uid=f"{uid}-goal-save")
    post_delete.connect(goal_deleted, sender=Goal, dispatch_uid=f"{uid}-goal-delete")
    m2m_changed.connect(
        goal_departments_changed, sender=Goal.co_departments.through, dispatch_uid=f"{uid}-goal-m2m"
    )
    post_save.connect(indicator_saved, sender=Indicator, dispatch_uid=f"{uid}-indicator-save")
    post_delete.connect(indicator_deleted, sender=Indicator, dispatch_uid=f"{uid}-indicator-delete")
    post_save.connect(
        measurement_changed, sender=Measurement, dispatch_uid=f"{uid}-measurement-save"
    )
    post_delete.connect(
        measurement_changed, sender=Measurement, dispatch_uid=f"{uid}-measurement-delete"
    )
    post_save.connect(
        correction_changed, sender=MeasurementCorrection, dispatch_uid=f"{uid}-correction-save"
    )
    pre_save.connect(cycle_before_save, sender=Cycle, dispatch_uid=f"{uid}-cycle-pre")
    post_save.connect(cycle_saved, sender=Cycle, dispatch_uid=f"{uid}-cycle-save")
    cycle_recomputed.connect(cycle_recomputed_handler, dispatch_uid=f"{uid}-cycle-recomputed")
    measurements_written.connect(
        measurements_written_handler, dispatch_uid=f"{uid}-measurements-written"
    )
    pre_save.connect(department_before_save, sender=Department, dispatch_uid=f"{uid}-dept-pre")
    post_save.connect(department_saved, sender=Department, dispatch_uid=f"{uid}-dept-save")
    post_delete.connect(department_deleted, sender=Department, dispatch_uid=f"{uid}-dept-delete")
    post_save.connect(synonyms_changed, sender=SearchSynonym, dispatch_uid=f"{uid}-synonym-save")
    post_delete.connect(
        synonyms_changed, sender=SearchSynonym, dispatch_uid=f"{uid}-synonym-delete"
    )
