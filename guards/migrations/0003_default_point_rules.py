from django.db import migrations

DEFAULTS = {"patrol": 2, "tip": 5, "dispute": 3, "training": 2, "commendation": 10, "deduction": -5}


def create_rules(apps, schema_editor):
    PointRule = apps.get_model("guards", "PointRule")
    for kind, points in DEFAULTS.items():
        PointRule.objects.get_or_create(kind=kind, defaults={"points": points})


class Migration(migrations.Migration):
    dependencies = [("guards", "0002_points_ledger")]
    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
