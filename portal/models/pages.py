"""Wagtail pages of the public site."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The city at a glance: goals by status, departments with status and score."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        help_text=_("A short welcome shown above the city's figures."),
    )
    intro_en = RichTextField(
        _("introduction (English)"), blank=True, help_text=_("Shown on the English site.")
    )
    site_notice = models.CharField(
        _("notice"),
        max_length=300,
        blank=True,
        help_text=_("Optional one-line notice shown at the top of the home page."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("intro_en"),
        FieldPanel("site_notice"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def serve(self, request, *args, **kwargs):
        # The home page is the busiest page: cache it like the other public pages.
        from portal.cache import cached_public_page

        def _serve(req):
            return super(HomePage, self).serve(req, *args, **kwargs)

        return cached_public_page(_serve)(request)

    def get_context(self, request, *args, **kwargs):
        # What the page shows is built by portal.home, registered in portal/wagtail_hooks.py:
        # it reads the domain's models, so the model module does not import it (no cycle).
        context = super().get_context(request, *args, **kwargs)
        for build in hooks.get_hooks("portal_home_context"):
            context.update(build(request))
        return context
