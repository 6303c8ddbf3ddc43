"""``{% translate %}`` and ``{% url %}`` kept per language and URL configuration
(portal/templatetags/portal_i18n.py and constant_url.py): the same output as Django's tags, in every language, under every
script prefix, and Django's own node wherever the output depends on the context."""

from django.template import Context, engines
from django.urls import set_script_prefix
from django.utils import translation

from portal.templatetags.constant_url import ConstantURLNode
from portal.templatetags.portal_i18n import ConstantTranslateNode


def template(text: str):
    return engines["django"].from_string(text)


def nodes(compiled, kind):
    return compiled.template.nodelist.get_nodes_by_type(kind)


def test_plain_i18n_is_djangos_own():
    page = template('{% load i18n %}{% translate "Departments" %}')
    assert not nodes(page, ConstantTranslateNode)
    with translation.override("en"):
        assert page.render({}) == "Departments"


def test_a_literal_follows_the_language_of_each_render():
    page = template('{% load portal_i18n %}{% translate "Departments" %}')
    assert len(nodes(page, ConstantTranslateNode)) == 1
    for _ in range(2):  # the second round reads what the first kept
        with translation.override("zh-hans"):
            assert page.render({}) == "部门"
        with translation.override("en"):
            assert page.render({}) == "Departments"


def test_a_variable_a_filter_or_as_stays_djangos():
    page = template(
        '{% load portal_i18n %}{% translate word %}|{% translate "Home"|upper %}|'
        '{% translate "Home" as home %}{{ home }}'
    )
    assert not nodes(page, ConstantTranslateNode)
    with translation.override("en"):
        assert page.render({"word": "Departments"}) == "Departments|HOME|Home"
        assert page.render({"word": "Rankings"}) == "Rankings|HOME|Home"
    with translation.override("zh-hans"):
        assert page.render({"word": "Departments"}) == "部门|首页|首页"


def test_the_output_is_djangos_own():
    """Against an engine with Django's libraries only: literals with markup and percent
    signs, under autoescape on and off, in both languages."""
    from django.template import Engine

    text = (
        '{% load LIBRARY %}{% translate "a < b" %}|{% translate "100%% done" %}|'
        '{% autoescape off %}{% translate "a < b" %}{% endautoescape %}|{% translate "Home" %}'
        "|{% url 'portal:rankings' %}"
    )
    ours = engines["django"].engine.from_string(text.replace("LIBRARY", "portal_i18n"))
    djangos = Engine(libraries={"i18n": "django.templatetags.i18n"})
    djangos = djangos.from_string(text.replace("LIBRARY", "i18n"))
    assert nodes_of(ours, ConstantTranslateNode) and not nodes_of(djangos, ConstantTranslateNode)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for _ in range(2):
                assert ours.render(Context({})) == djangos.render(Context({}))


def nodes_of(compiled, kind):
    return compiled.nodelist.get_nodes_by_type(kind)


def test_a_constant_url_follows_the_script_prefix():
    page = template("{% url 'portal:rankings' %}")
    assert len(nodes(page, ConstantURLNode)) == 1
    try:
        assert page.render({}) == "/rankings/"
        set_script_prefix("/city/")
        assert page.render({}) == "/city/rankings/"
    finally:
        set_script_prefix("/")
    assert page.render({}) == "/rankings/"


def test_a_url_with_arguments_or_as_stays_djangos():
    page = template(
        "{% url 'portal:department' slug %}|{% url name %}|{% url 'portal:rankings' as r %}{{ r }}"
    )
    assert not nodes(page, ConstantURLNode)
    assert page.render({"slug": "tax", "name": "portal:rankings"}) == (
        "/departments/tax/|/rankings/|/rankings/"
    )
    assert page.render({"slug": "fire", "name": "portal:accessibility"}) == (
        "/departments/fire/|/about/accessibility/|/rankings/"
    )
