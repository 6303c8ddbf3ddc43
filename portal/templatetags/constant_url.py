"""Django's ``{% url %}`` with ``{% url 'name' %}`` (no arguments, no ``as``) kept per URL
configuration: the same address for every render under one script prefix, URLconf, current
app and language. A built-in (``TEMPLATES`` ``builtins``), so it stands in for Django's tag in
every template; any other use of the tag is Django's node
(docs/decisions/0009-constant-template-tags.md)."""

from __future__ import annotations

from django import template
from django.template import defaulttags
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

register = template.Library()


class ConstantURLNode(defaulttags.URLNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        # The current app as URLNode.render finds it.
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        key = (get_script_prefix(), get_urlconf(), current_app, get_language(), context.autoescape)
        value = self.rendered.get(key)
        if value is None:
            value = self.rendered[key] = super().render(context)
        return value


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    name = node.view_name
    if node.args or node.kwargs or node.asvar or not isinstance(name.var, str) or name.filters:
        return node
    return ConstantURLNode(node.view_name, node.args, node.kwargs, node.asvar)
