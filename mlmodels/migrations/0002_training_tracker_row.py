from django.db import migrations


def create_tracker(apps, schema_editor):
    # The tracker is a single row changed only by conditional UPDATEs, so it must always exist.
    apps.get_model("mlmodels", "TrainingTracker").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("mlmodels", "0001_initial")]
    operations = [migrations.RunPython(create_tracker, migrations.RunPython.noop)]
