from django.db import migrations

# Names frozen at the time of this migration (intranet.roles holds the live constants).
ROLE_GROUPS = [
    "Читатели",
    "Внутренние клиенты",
    "Регистраторы",
    "Исполнители",
    "Редакторы разделов",
    "Руководители подразделений",
    "Администраторы",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intranet", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
