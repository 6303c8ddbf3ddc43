from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasetfile",
            name="checked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="data as of"),
        ),
    ]
