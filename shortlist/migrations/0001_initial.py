"""ShortlistEntry moves here from `interviews`, keeping its table and rows: this
creates the model in the migration state only (interviews 0003 drops it from
there), and carries its content type over so permissions keep pointing at it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, source, target):
    """Relabel the model's content type (and so its permissions), if one exists
    and the target app has none yet."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    if content_types.filter(app_label=target, model="shortlistentry").exists():
        return
    content_types.filter(app_label=source, model="shortlistentry").update(
        app_label=target
    )


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="interviews", target="shortlist")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="shortlist", target="interviews")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("interviews", "0002_report_reason_text"),
        ("therapists", "0009_location_search_filters"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ShortlistEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "therapist",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="therapists.therapist",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="shortlist",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "interviews_shortlistentry",
                        "ordering": ["created_at", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "therapist"),
                                name="unique_shortlist_entry",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
