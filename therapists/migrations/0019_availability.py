from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("therapists", "0018_comfort_and_consent")]

    operations = []
