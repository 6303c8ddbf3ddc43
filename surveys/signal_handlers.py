"""Invalidate cached public pages whenever survey data changes (connected in apps.ready())."""

from django.db.models.signals import post_save
from django.utils import timezone

from portal.cache import bump_on_change, bump_on_signal
from surveys.models import RectificationCase, Service, Survey, SurveyQuestion, SurveyResult

# The survey pages are cached with portal.cache.cached_public_page: one version for all.
# Response and Answer are left out on purpose: a rating changes no public figure until
# ``aggregate_surveys`` writes the month's SurveyResult rows (which bump), and bumping the whole
# site's cache on every submission (hundreds a second at peak) would leave no page cached.
DATA_MODELS = (Survey, SurveyQuestion, SurveyResult, Service)


def case_saved(sender, instance, created, **kwargs):
    """A case a poor rating has just opened is not public and not yet due: it changes no page
    (nor any department's rates), so a rating that opens one does not bump the cache either.
    Every later change to a case (published, answered) does."""
    not_counted_yet = not instance.replied_on and (
        instance.due_on is None or instance.due_on >= timezone.localdate()
    )
    if created and not instance.public and not_counted_yet:
        return
    bump_on_signal(sender, **kwargs)


def register_signal_handlers() -> None:
    bump_on_change(*DATA_MODELS, uid="surveys")
    bump_on_change(RectificationCase, uid="surveys-case", on_save=False)  # deletions
    post_save.connect(case_saved, sender=RectificationCase, dispatch_uid="surveys-bump-save-case")
