"""The technique and condition taxonomies: reference data every site needs."""

from django.db import migrations

TECHNIQUES = [
    ("Deep tissue massage", "deep-tissue",
     "Slow, firm strokes that reach the deeper layers of muscle and fascia.",
     "Chronic low back tension and stiffness."),
    ("Myofascial release", "myofascial-release",
     "Sustained, gentle pressure on the connective tissue to ease restrictions.",
     "Long-standing tightness and restricted movement."),
    ("Trigger point therapy", "trigger-point",
     "Focused pressure on tight knots that refer pain elsewhere.",
     "Pain that radiates from knots in the back, hips or shoulders."),
    ("Neuromuscular therapy", "neuromuscular",
     "Systematic work on trigger points, posture and nerve compression.",
     "Postural pain and nerve-related symptoms."),
    ("Swedish massage", "swedish",
     "Long gliding strokes and kneading for circulation and relaxation.",
     "General tension and stress that worsens pain."),
    ("Sports massage", "sports",
     "Targeted work for athletes and active people before or after activity.",
     "Strains and overuse injuries."),
    ("Medical massage", "medical",
     "Outcome-based treatment for a diagnosed condition, often on referral.",
     "Treatment coordinated with a doctor or physiotherapist."),
    ("Active release technique", "active-release",
     "Tension applied while the client moves a muscle through its range.",
     "Adhesions and scar tissue in overused muscles."),
    ("Craniosacral therapy", "craniosacral",
     "Very light touch around the skull, spine and pelvis.",
     "Clients who cannot tolerate firm pressure."),
    ("Shiatsu", "shiatsu",
     "Japanese finger-pressure work along meridians.",
     "Tension and general wellbeing."),
    ("Prenatal massage", "prenatal",
     "Adapted positioning and pressure for pregnancy.",
     "Pregnancy-related back and hip pain."),
    ("Lymphatic drainage", "lymphatic-drainage",
     "Very light rhythmic strokes to move lymph fluid.",
     "Swelling after injury or surgery."),
]  # fmt: skip

CONDITIONS = [
    ("Low back pain", "low-back-pain", "Pain between the ribs and the pelvis."),
    ("Upper back pain", "upper-back-pain", "Pain between the shoulder blades."),
    ("Neck pain", "neck-pain", "Stiffness or pain in the neck and shoulders."),
    ("Sciatica", "sciatica", "Pain radiating from the lower back down a leg."),
    ("Herniated disc", "herniated-disc", "A disc pressing on nearby nerves."),
    ("Postural pain", "postural-pain", "Pain from long hours sitting or standing."),
    ("Muscle strain", "muscle-strain", "Overstretched or torn muscle fibres."),
    ("Degenerative disc disease", "degenerative-disc", "Age-related disc wear."),
    ("Scoliosis", "scoliosis", "A sideways curve of the spine."),
    ("Sacroiliac joint pain", "sacroiliac-joint-pain", "Pain where spine meets pelvis."),
    ("Piriformis syndrome", "piriformis-syndrome", "A buttock muscle irritating the sciatic nerve."),
    ("Spinal stenosis", "spinal-stenosis", "Narrowing of the spinal canal."),
]  # fmt: skip


def add_taxonomies(apps, schema_editor):
    Technique = apps.get_model("therapists", "Technique")
    Condition = apps.get_model("therapists", "Condition")
    for position, (name, slug, description, helps_with) in enumerate(TECHNIQUES):
        Technique.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "helps_with": helps_with,
                "position": position,
            },
        )
    for position, (name, slug, description) in enumerate(CONDITIONS):
        Condition.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "position": position},
        )


def remove_taxonomies(apps, schema_editor):
    apps.get_model("therapists", "Technique").objects.filter(
        slug__in=[row[1] for row in TECHNIQUES]
    ).delete()
    apps.get_model("therapists", "Condition").objects.filter(
        slug__in=[row[1] for row in CONDITIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("therapists", "0001_initial")]

    operations = [migrations.RunPython(add_taxonomies, remove_taxonomies)]
