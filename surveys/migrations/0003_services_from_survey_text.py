"""Each survey's service, a line of text until now, becomes a Service record of its own."""

from django.db import migrations


def services_from_text(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Service = apps.get_model("surveys", "Service")
    taken = set(Service.objects.values_list("slug", flat=True))
    for survey in Survey.objects.exclude(service="").order_by("pk"):
        service = Service.objects.filter(
            department_id=survey.department_id, name=survey.service
        ).first()
        if service is None:
            slug, number = survey.slug[:76], 2
            while slug in taken:
                slug, number = f"{survey.slug[:72]}-{number}", number + 1
            taken.add(slug)
            service = Service.objects.create(
                department_id=survey.department_id, name=survey.service, slug=slug
            )
        survey.services.add(service)


def text_from_services(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    for survey in Survey.objects.all():
        first = survey.services.order_by("pk").first()
        if first is not None:
            survey.service = first.name
            survey.save(update_fields=["service"])


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_services_responses_and_ratings")]

    operations = [migrations.RunPython(services_from_text, text_from_services)]
