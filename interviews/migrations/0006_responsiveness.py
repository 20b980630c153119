from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("interviews", "0005_health_notes_passed_on_with_consent")]

    operations = []
