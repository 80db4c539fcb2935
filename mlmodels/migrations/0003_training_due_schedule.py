from django.db import migrations
from django.utils import timezone

FUNC = "mlmodels.jobs.check_training_due"


def create_schedule(apps, schema_editor):
    # Keyed on func, so re-running never duplicates it. A minute is the granularity of the
    # retraining interval: a trigger held back by RETRAIN_MIN_INTERVAL_SECONDS is not lost.
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        func=FUNC,
        defaults={
            "name": "Start a retraining that the minimum interval held back",
            "schedule_type": "I",
            "minutes": 1,
            "repeats": -1,
            "next_run": timezone.now(),
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mlmodels", "0002_training_tracker_row"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create_schedule, delete_schedule)]
