from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """Disclosure reports: Wagtail pages with text, data tables and indicator charts."""

    name = "disclosure"
    verbose_name = _("Disclosure reports")

    def ready(self):
        from django.db.models.signals import post_migrate

        from disclosure import permissions, signal_handlers, workflow

        permissions.register_page_permission_policy()
        signal_handlers.register_signal_handlers()
        # The review workflow's groups, tasks and workflow (disclosure/workflow.py).
        post_migrate.connect(workflow.after_migrate, sender=self, dispatch_uid="disclosure-review")

        from disclosure import search  # reports in the site search

        search.register()
