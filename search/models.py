"""Search's own tables: the editable synonym list and the outbox of index updates to retry."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from search.text import parse_line


class SearchSynonym(models.Model):
    """A group of words that mean the same to a searcher, e.g. 满意度,满意率."""

    terms = models.CharField(
        _("words"),
        max_length=500,
        unique=True,
        help_text=_(
            "Two or more words separated by commas, e.g. 满意度,满意率. A search for any of them "
            "also finds the others. The embedded search uses a change at once; an "
            "Elasticsearch/OpenSearch engine after the next `manage.py search_index rebuild`."
        ),
    )
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Why these words belong together.")
    )

    panels = [FieldPanel("terms"), FieldPanel("note")]

    class Meta:
        ordering = ["terms"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return self.terms

    def words(self) -> list[str]:
        return parse_line(self.terms)

    def clean(self):
        from django.core.exceptions import ValidationError

        if len(self.words()) < 2:
            raise ValidationError({"terms": _("Give at least two different words.")})


class PendingIndexUpdate(models.Model):
    """An index update that could not be written (engine down); `search_index retry` sends it.

    Only the document's type and key are kept: the document is built again from the database
    when it is retried, so the newest state is indexed (or removed, if it is no longer public).
    """

    doc_type = models.CharField(_("document type"), max_length=30)
    object_id = models.CharField(_("object id"), max_length=64)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        unique_together = [("doc_type", "object_id")]
        verbose_name = _("pending index update")
        verbose_name_plural = _("pending index updates")

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id}"
