"""The 红黄绿灯 traffic light that indicators, goals and evaluations carry (the rules that
compute it are in portal.status)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """The 红黄绿灯 traffic light of an indicator, goal, department or the city."""

    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Lagging")
    RED = "red", _("Seriously lagging")
    NO_DATA = "none", _("No data yet")
    NOT_STARTED = "not_started", _("Not started")
