"""The consultation topics of seed 001 §5: the KB's controlled vocabulary. Migration
0002 creates them; the demo re-creates any that a test flush removed."""

CONSULTATION_TOPICS = [
    ("anticorruption-law", "Применение законодательства о противодействии коррупции"),
    (
        "declarations",
        "Справки о доходах, расходах, об имуществе и обязательствах имущественного характера",
    ),
    ("conflict-of-interest", "Предотвращение и урегулирование конфликта интересов"),
    ("internet-sites", "Сведения об адресах сайтов в сети «Интернет»"),
    ("prohibitions", "Запреты, ограничения и обязанности"),
]


def ensure_topics() -> None:
    from .models import Topic

    for order, (slug, name) in enumerate(CONSULTATION_TOPICS):
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})
