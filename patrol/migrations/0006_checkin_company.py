"""CheckIn.company: the company the guard had when the check-in was written, back-filled from the
guards' company today (the best answer there is for existing rows), and a covering index for
roll-call by company (PostgreSQL; other databases make a plain index on patrol_id)."""
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    CheckIn = apps.get_model("patrol", "CheckIn")
    Guard = apps.get_model("guards", "Guard")
    CheckIn.objects.using(schema_editor.connection.alias).filter(company__isnull=True).update(
        company_id=Subquery(Guard.objects.filter(pk=OuterRef("guard_id")).values("company_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('guards', '0001_initial'),
        ('patrol', '0005_offline_received_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='checkin',
            name='company',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='guards.securitycompany', verbose_name='company'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='checkin',
            index=models.Index(fields=['patrol'], include=('company', 'status'), name='checkin_patrol_company'),
        ),
    ]
