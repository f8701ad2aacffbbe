from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="IdempotencyKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("owner", models.CharField(help_text="user:<id>, or auth:<hash of the Authorization header>", max_length=80, verbose_name="owner")),
                ("key", models.CharField(max_length=255, verbose_name="key")),
                ("fingerprint", models.CharField(help_text="SHA-256 of method, path and body", max_length=64, verbose_name="request fingerprint")),
                ("status", models.CharField(choices=[("in_progress", "In progress"), ("done", "Done")], default="in_progress", max_length=16, verbose_name="status")),
                ("response_status", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="response status")),
                ("response_headers", models.JSONField(blank=True, default=dict, verbose_name="response headers")),
                ("response_body", models.BinaryField(blank=True, default=b"", verbose_name="response body")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
            ],
            options={
                "verbose_name": "idempotency key",
                "verbose_name_plural": "idempotency keys",
                "indexes": [models.Index(fields=["created_at"], name="idempotency_created")],
                "constraints": [models.UniqueConstraint(fields=("owner", "key"), name="idempotency_key_once_per_owner")],
            },
        ),
    ]
