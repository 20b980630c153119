from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("therapists", "0016_typical_course_of_care")]

    operations = []
