from django.db import migrations


def fill(apps, schema_editor):
    """Build the directory's search text for profiles that existed before 0003
    (the same fields as StaffProfile.build_search_text)."""
    StaffProfile = apps.get_model("intranet", "StaffProfile")
    for profile in StaffProfile.objects.select_related("user", "unit"):
        user = profile.user
        name = " ".join(p for p in (user.last_name, user.first_name, user.patronymic) if p)
        parts = [name, user.username, profile.position, profile.room]
        if profile.unit_id:
            parts += [profile.unit.name, profile.unit.short_name]
        profile.search_text = " ".join(p for p in parts if p).lower()
        profile.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("intranet", "0003_staff_search_text")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
