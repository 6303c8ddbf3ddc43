"""Admin screen for the synonym list (Settings menu → Search synonyms)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search.models import SearchSynonym


class SearchSynonymViewSet(SnippetViewSet):
    """Editors keep the list of words that mean the same to a searcher."""

    model = SearchSynonym
    icon = "search"
    menu_label = _("Search synonyms")
    menu_name = "search-synonyms"
    add_to_settings_menu = True
    list_display = ["terms", "note"]


register_snippet(SearchSynonymViewSet)
