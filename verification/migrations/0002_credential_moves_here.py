"""Credential moves from `therapists` to `verification`, which owns its whole
life. Only Django's idea of the model moves: the table (therapists_credential),
its rows, indexes and constraints stay exactly as they are. The content type is
renamed so that permissions granted on credentials (verify_credential) and the
admin's history keep pointing at them."""

import core.storage
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models




def move_content_type(apps, schema_editor, old="therapists", new="verification"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label=new, model="credential").exists():
        return  # post_migrate created it before this ran (a fresh database)
    ContentType.objects.using(db).filter(app_label=old, model="credential").update(
        app_label=new
    )


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="verification", new="therapists")


class Migration(migrations.Migration):

    dependencies = [
        ("therapists", "0009_location_search_filters"),
        ("verification", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Credential',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('state_licence', 'State licence'), ('board_certification', 'Board certification'), ('association_membership', 'Association membership'), ('technique_certificate', 'Technique certificate'), ('education', 'Education')], max_length=30)),
                        ('issuer', models.CharField(max_length=160, verbose_name='issuing body')),
                        ('number', models.CharField(max_length=60, verbose_name='licence or certificate number')),
                        ('jurisdiction', models.CharField(help_text="Two-letter state, or 'US' for national bodies.", max_length=20)),
                        ('issued_on', models.DateField(blank=True, null=True)),
                        ('expires_on', models.DateField(blank=True, null=True)),
                        ('status', models.CharField(choices=[('pending', 'Pending verification'), ('verified', 'Verified'), ('rejected', 'Rejected'), ('expired', 'Expired')], default='pending', max_length=20)),
                        ('evidence', models.FileField(blank=True, storage=core.storage.PrivateMediaStorage(), upload_to='credentials/evidence/')),
                        ('verification_method', models.CharField(blank=True, choices=[('document_review', 'document review'), ('board_roster', 'state board roster'), ('board_website', "check on the board's website")], max_length=30)),
                        ('verified_at', models.DateTimeField(blank=True, null=True)),
                        ('status_note', models.CharField(blank=True, max_length=300)),
                        ('roster_flag', models.CharField(blank=True, help_text='Set by a board roster import when staff should look at it.', max_length=300)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('therapist', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='credentials', to='therapists.therapist')),
                        ('verified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='credentials_verified', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'therapists_credential',
                        'ordering': ['kind', 'issuer'],
                        'permissions': [('verify_credential', 'Can verify credentials')],
                    },
                ),
                migrations.AlterField(
                    model_name='credentialevent',
                    name='credential',
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='verification.credential'),
                ),
                migrations.AddIndex(
                    model_name='credential',
                    index=models.Index(fields=['therapist', 'status', 'kind', 'expires_on'], name='credential_badge_idx'),
                ),
                migrations.AddIndex(
                    model_name='credential',
                    index=models.Index(fields=['status', 'created_at'], name='credential_queue_idx'),
                ),
                migrations.AddConstraint(
                    model_name='credential',
                    constraint=models.UniqueConstraint(fields=('issuer', 'jurisdiction', 'number'), name='unique_credential_per_issuer', violation_error_message='This issuer, jurisdiction and number are already registered.'),
                ),
                migrations.AddConstraint(
                    model_name='credential',
                    constraint=models.CheckConstraint(condition=models.Q(('expires_on__isnull', True), ('issued_on__isnull', True), ('expires_on__gte', models.F('issued_on')), _connector='OR'), name='credential_expires_after_issue', violation_error_message='The expiry date is before the issue date.'),
                ),
                migrations.AddConstraint(
                    model_name='credential',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['state_licence', 'board_certification']), _negated=True), ('expires_on__isnull', False), _connector='OR'), name='credential_badge_kinds_expire', violation_error_message='Licences and board certifications need an expiry date.'),
                ),
                migrations.AddConstraint(
                    model_name='credential',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'verified'), _negated=True), models.Q(('verified_at__isnull', False), models.Q(('verification_method', ''), _negated=True)), _connector='OR'), name='credential_verified_has_method', violation_error_message='A verified credential records how and when it was verified.'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
