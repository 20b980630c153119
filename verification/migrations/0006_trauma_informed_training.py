from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("verification", "0005_recount_badges_and_scores")]

    operations = []
