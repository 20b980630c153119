from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("therapists", "0017_sessions_and_payment")]

    operations = []
