"""Install the default synonym list (editors change it in the admin)."""

from django.db import migrations

DEFAULT_GROUPS = (
    ("满意度", "满意率"),
    ("营商环境", "投资环境"),
    ("政务服务", "办事服务"),
    ("一网通办", "网上办事"),
    ("好差评", "服务评价"),
    ("空气质量", "空气优良"),
)


def add_defaults(apps, schema_editor):
    SearchSynonym = apps.get_model("portal_search", "SearchSynonym")
    for group in DEFAULT_GROUPS:
        SearchSynonym.objects.get_or_create(terms=",".join(group))


def remove_defaults(apps, schema_editor):
    SearchSynonym = apps.get_model("portal_search", "SearchSynonym")
    SearchSynonym.objects.filter(terms__in=[",".join(g) for g in DEFAULT_GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
