from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("verification", "0005_recount_badges_and_scores")]

    operations = [
        migrations.AlterField(
            model_name="credential",
            name="kind",
            field=models.CharField(
                choices=[
                    ("state_licence", "State licence"),
                    ("board_certification", "Board certification"),
                    ("association_membership", "Association membership"),
                    ("technique_certificate", "Technique certificate"),
                    ("education", "Education"),
                    ("trauma_informed_training", "Trauma-informed care training"),
                ],
                max_length=30,
            ),
        ),
    ]
