"""The department page's long lists: ``portal_tables`` tags against the same markup as templates.

docs/decisions/0003-department-lists-built-in-python.md quotes this. It renders the lists of the
department with the most indicators (goal tree, indicator table, score breakdown, monthly and
yearly scores) both ways, checks that the markup is byte-identical, and times each. Run it
against a database with the demo city, e.g. the demo's own:

    DJANGO_SETTINGS_MODULE=portal.settings.dev DATABASE_URL=sqlite:///db.sqlite3 \\
        .venv/bin/python bench/tables_vs_templates.py [--runs 1000] [--language zh-hans]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The per-row templates the tags replaced (templates/includes/goal_node.html and the rows of
# templates/portal/department.html before commit b0f6827), written without the whitespace
# between tags so that they print exactly what the tags print.
GOAL_NODE = (
    "{% load i18n portal_tags %}"
    '<li class="goal-node goal-node--{{ node.role }}"><div class="goal-node__head">'
    '<span class="goal-node__level">{{ node.goal.get_level_display }}</span> '
    '<a href="{{ node.goal.get_absolute_url }}">{{ node.goal.title }}</a> '
    '{% if node.role == "owner" %}<span class="tag tag--owner">{% translate "Lead" %}</span>'
    '{% elif node.role == "co" %}<span class="tag tag--co">{% blocktranslate with '
    "dept=node.goal.owner.display_short_name %}Co-operating (lead: {{ dept }})"
    '{% endblocktranslate %}</span>{% else %}<span class="tag">{% blocktranslate with '
    "dept=node.goal.owner.display_short_name %}Lead: {{ dept }}{% endblocktranslate %}</span>"
    "{% endif %} {% status_badge node.goal.status %}</div>"
    '{% if node.indicators %}<ul class="goal-node__indicators">{% for i in node.indicators %}'
    '<li><a href="{{ i.get_absolute_url }}">{{ i.name }}</a> '
    "{% status_badge i.status compact=True %}</li>{% endfor %}</ul>{% endif %}"
    '{% if node.children %}<ul class="goal-tree__children">{% for child in node.children %}'
    '{% include "goal_node.html" with node=child %}{% endfor %}</ul>{% endif %}</li>'
)
LISTS = (
    "{% load i18n portal_tags %}"
    '<ul class="goal-tree">{% for node in goal_tree %}{% include "goal_node.html" %}'
    "{% endfor %}</ul>"
    '{% translate "Methodology" as methodology_label %}'
    "{% for i in indicators %}{% with url=i.get_absolute_url %}"
    '<tr><th scope="row"><a href="{{ url }}">{{ i.name }}</a><br>'
    '<span class="muted">{{ i.dimension|dimension_label }}</span></th>'
    '<td class="num">{{ i.latest_value|num }}{% if i.unit %} {{ i.unit }}{% endif %}</td>'
    '<td class="num">{{ i.target|num }}{% if i.unit %} {{ i.unit }}{% endif %}</td>'
    '<td class="nowrap">{{ i.latest_period|month }}</td>'
    "<td>{% progress_bar i.progress %}</td><td>{% status_badge i.status %}</td>"
    '<td>{{ i.source_description|default:"—" }} · '
    '<a href="{{ url }}#methodology">{{ methodology_label }}</a></td></tr>'
    "{% endwith %}{% endfor %}"
    "{% for row in breakdown_rows %}{% with item=row.item %}"
    '<tr><td>{{ row.dimension|dimension_label }}</td><th scope="row">'
    '{% if row.indicator %}<a href="{{ row.indicator.get_absolute_url }}">{{ item.name }}</a>'
    "{% else %}{{ item.name }}{% endif %}</th>"
    '<td class="num">{{ item.weight|num }}</td>'
    '<td class="num">{{ item.value|num }}{% if row.indicator.unit %} {{ row.indicator.unit }}'
    "{% endif %}</td>"
    '<td class="nowrap">{{ item.period|month }}</td>'
    '<td class="num">{{ item.target|num }}{% if row.indicator.unit %} {{ row.indicator.unit }}'
    "{% endif %}</td>"
    '<td class="num">{{ item.achievement|num:1 }}</td>'
    "<td>{% status_badge item.status compact=True %}</td>"
    '<td class="num">{{ item.points|num:2 }}</td></tr>{% endwith %}{% endfor %}'
    "{% for e in monthly %}"
    '<tr><th scope="row" class="nowrap">{{ e.period|month }}</th>'
    '<td class="num">{{ e.total|num:1 }}</td><td class="num">{{ e.rank|default:"—" }}</td>'
    "<td>{% status_badge e.status compact=True %}</td></tr>{% endfor %}"
    "{% for e in history %}"
    '<tr><th scope="row"><a href="?year={{ e.cycle.year }}">{{ e.cycle.year }}</a></th>'
    '<td class="nowrap">{{ e.period|month }}</td>'
    '<td class="num">{{ e.total|num:1 }}</td><td class="num">{{ e.rank|default:"—" }}</td>'
    '<td>{{ e.grade|default:"—" }}</td></tr>{% endfor %}'
)
TAGS = (
    "{% load portal_tables %}{% goal_tree goal_tree %}{% indicator_rows indicators %}"
    "{% breakdown_rows breakdown_rows %}{% monthly_rows monthly %}{% history_rows history %}"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--language", default="zh-hans")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"  # render the page, do not serve it cached
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Count
    from django.template import Context, Engine
    from django.test import RequestFactory
    from django.test.signals import template_rendered
    from django.test.utils import setup_test_environment
    from django.utils import translation

    from portal import views
    from portal.models import Department

    setup_test_environment()  # template_rendered hands over the view's context
    department = (
        Department.objects.annotate(n=Count("goals__indicators")).order_by("-n", "pk").first()
    )
    captured = {}

    def keep(sender, template, context, **kwargs):
        if template.name == "portal/department.html":
            captured.update(context.flatten())

    template_rendered.connect(keep)
    with translation.override(args.language):
        request = RequestFactory().get(department.get_absolute_url())
        request.user = AnonymousUser()
        views.department_detail(request, department.slug)
    names = ("goal_tree", "indicators", "breakdown_rows", "monthly", "history")
    data = {name: captured[name] for name in names}

    libraries = {
        "i18n": "django.templatetags.i18n",
        "portal_tags": "portal.templatetags.portal_tags",
        "portal_tables": "portal.templatetags.portal_tables",
    }
    engine = Engine(
        # Cached, as Django's template loaders are in production (no parse per include).
        loaders=[
            (
                "django.template.loaders.cached.Loader",
                [("django.template.loaders.locmem.Loader", {"goal_node.html": GOAL_NODE})],
            )
        ],
        libraries=libraries,
    )
    by_templates, by_tags = engine.from_string(LISTS), engine.from_string(TAGS)

    def render(template):
        with translation.override(args.language):
            return template.render(Context(data))

    same = render(by_templates) == render(by_tags)
    timings = {}
    for label, template in (("templates", by_templates), ("tags", by_tags)):
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(args.runs // 5):
                render(template)
            samples.append((time.perf_counter() - started) / (args.runs // 5) * 1000)
        timings[label] = (min(samples), statistics.median(samples))
    rows = sum(len(data[n]) for n in ("indicators", "breakdown_rows", "monthly", "history"))

    def count(nodes):
        return sum(1 + len(n.indicators) + count(n.children) for n in nodes)

    print(
        f"{department.name}: {len(data['indicators'])} indicators, {rows} table rows, "
        f"{count(data['goal_tree'])} goal-tree items; {args.runs} renders each, language "
        f"{args.language}; markup identical: {same}"
    )
    for label, (best, median) in timings.items():
        print(f"  {label:9} best {best:.2f} ms, median {median:.2f} ms per render")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
