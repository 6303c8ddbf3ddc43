"""Editors' admin: the 满意度调查 menu (surveys, monthly results, rectification cases); the
surveys panel of the public department page (``portal_department_panels``)."""

from __future__ import annotations

from wagtail import hooks

# Policies must be registered before any viewset (or view) asks the registry for them.
from surveys.permissions import register_policies

register_policies()

from surveys.viewsets import SurveysViewSetGroup  # noqa: E402


@hooks.register("register_admin_viewset")
def register_survey_viewsets():
    return SurveysViewSetGroup()


@hooks.register("portal_department_panels")
def department_panel(request, department, cycle):
    # Imported here: the panel's module loads the survey models and templates on first use.
    from surveys.panels import department_panel as panel

    return panel(request, department, cycle)


@hooks.register("portal_demo_data")
def surveys_demo_data():
    # Imported here, when the demo is built, not by every process that looks up a hook.
    from portal.demo import DemoExtension
    from surveys import demo

    return DemoExtension("Surveys", build=demo.build, flush=demo.flush)
