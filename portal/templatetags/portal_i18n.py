"""Django's i18n template library with ``{% translate "literal" %}`` kept per language: the
site's templates ``{% load portal_i18n %}`` (docs/decisions/0009-constant-template-tags.md).

Every tag and filter is Django's own; ``translate``/``trans`` with a literal, no filter, no
``as`` and no message context render once per language and escaping mode and are then read
back. Any other use of the tag is Django's node.
"""

from __future__ import annotations

from django import template
from django.templatetags import i18n
from django.utils.translation import get_language

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)


class ConstantTranslateNode(i18n.TranslateNode):
    """``{% translate "text" %}``: the same string for every render in one language, so it
    is rendered once per language and escaping mode and then read back."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (get_language(), context.autoescape)
        value = self.rendered.get(key)
        if value is None:
            value = self.rendered[key] = super().render(context)
        return value


def _is_constant(node: i18n.TranslateNode) -> bool:
    expression = node.filter_expression
    literal = getattr(expression.var, "literal", None)
    return (
        literal is not None
        and not expression.filters
        and not node.asvar
        and not node.message_context
    )


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = i18n.do_translate(parser, token)
    if not _is_constant(node):
        return node
    return ConstantTranslateNode(
        node.filter_expression, node.noop, node.asvar, node.message_context
    )
