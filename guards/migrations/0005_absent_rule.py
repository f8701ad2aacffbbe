from django.db import migrations


def create_rule(apps, schema_editor):
    PointRule = apps.get_model("guards", "PointRule")
    PointRule.objects.get_or_create(kind="absent", defaults={"points": -2})


class Migration(migrations.Migration):
    dependencies = [("guards", "0004_lifecycle")]
    operations = [migrations.RunPython(create_rule, migrations.RunPython.noop)]
