from django.db import migrations

# The consultation topics of seed 001 §5 (the controlled vocabulary of the KB).
TOPICS = [
    ("anticorruption-law", "Применение законодательства о противодействии коррупции"),
    (
        "declarations",
        "Справки о доходах, расходах, об имуществе и обязательствах имущественного характера",
    ),
    ("conflict-of-interest", "Предотвращение и урегулирование конфликта интересов"),
    ("internet-sites", "Сведения об адресах сайтов в сети «Интернет»"),
    ("prohibitions", "Запреты, ограничения и обязанности"),
]


def create_topics(apps, schema_editor):
    Topic = apps.get_model("kb", "Topic")
    for order, (slug, name) in enumerate(TOPICS):
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})


def remove_topics(apps, schema_editor):
    Topic = apps.get_model("kb", "Topic")
    Topic.objects.filter(slug__in=[slug for slug, _name in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [migrations.RunPython(create_topics, remove_topics)]
