"""The judged query set over the demo content (kb.demo, cases.demo): each query with
the items that must appear in the first five results of their tab. A judgement names
an item by kind and the start of its title. Used by tests/search/test_relevance.py and
bench/search_quality.py. Judged as the registrar (who may open every non-confidential
case) for cases and as a reader for the knowledge base."""

A = "article"
T = "typical_answer"
C = "case"

DECLARATION = (A, "Как представить справку о доходах")
LATE = (A, "30 апреля я буду в отпуске")
MISTAKE = (A, "Я нашёл ошибку в уже сданной справке")
TO_DEADLINE = (T, "Типовой ответ: срок и порядок представления справки")
SITES = (A, "Какие сайты и страницы нужно указывать")
TO_SITES = (T, "Типовой ответ: сведения об адресах сайтов")
CONFLICT = (A, "Что такое конфликт интересов")
NOTICE_SAMPLE = (A, "Образец уведомления о возникновении личной заинтересованности")
TO_CONFLICT = (T, "Типовой ответ: как уведомить о возможном конфликте интересов")
GIFT = (A, "Мне вручили подарок на официальном мероприятии")
SIDE_JOB = (A, "Можно ли работать по совместительству")
AFTER_SERVICE = (A, "Какие ограничения действуют после увольнения")
INDUCEMENT = (A, "Меня склоняют к коррупционному правонарушению")
PROCEDURE = (A, "Порядок взаимодействия с внутренним клиентом")

JUDGED: list[tuple[str, list[tuple[str, str]]]] = [
    # knowledge base: inflections, paraphrases, synonyms
    ("справкой о доходах", [DECLARATION]),
    ("как сдать справку о доходах", [DECLARATION, TO_DEADLINE]),
    ("срок представления справки", [TO_DEADLINE]),
    ("декларация", [DECLARATION]),
    ("декларацию в отпуске", [LATE]),
    ("сдать справку позже", [LATE]),
    ("ошибка в справке", [MISTAKE]),
    ("уточнённые сведения", [MISTAKE]),
    ("исправить справку", [MISTAKE]),
    ("Справки БК", [DECLARATION]),
    ("программа БК", [DECLARATION]),
    ("сайты и страницы", [SITES]),
    ("адреса сайтов", [SITES, TO_SITES]),
    ("сведения о сайтах", [TO_SITES]),
    ("конфликта интересов", [CONFLICT]),
    ("уведомить о конфликте интересов", [TO_CONFLICT]),
    ("личная заинтересованность", [NOTICE_SAMPLE]),
    ("образец уведомления", [NOTICE_SAMPLE]),
    ("подарок", [GIFT]),
    ("подарки на мероприятии", [GIFT]),
    ("вручили подарок", [GIFT]),
    ("совместительство", [SIDE_JOB]),
    ("иная оплачиваемая работа", [SIDE_JOB]),
    ("после увольнения", [AFTER_SERVICE]),
    ("ограничения после увольнения со службы", [AFTER_SERVICE]),
    ("склоняют к коррупции", [INDUCEMENT]),
    ("склонение к коррупционному правонарушению", [INDUCEMENT]),
    ("взятка", [INDUCEMENT]),
    ("внутренний клиент", [PROCEDURE]),
    ("порядок взаимодействия с клиентом", [PROCEDURE]),
    # cases (as the registrar)
    ("вклад в банке", [(C, "Как указать в справке вклад")]),
    ("вклад открытый в декабре", [(C, "Как указать в справке вклад")]),
    ("кешбэк", [(C, "Нужно ли указывать кешбэк")]),
    ("кешбэк по карте", [(C, "Нужно ли указывать кешбэк")]),
    ("родственник в подведомственном учреждении", [(C, "Родственник устраивается")]),
    ("брат работает в учреждении", [(C, "Родственник устраивается")]),
    ("ответ о проверке сведений", [(C, "Жалоба на отсутствие ответа")]),
    ("сертификат от подрядчика", [(C, "Подарок на юбилей от подрядчика")]),
    ("книга в подарок на конференции", [(C, "Можно ли принять книгу в подарок")]),
    ("занятия в вузе", [(C, "Уведомление об иной оплачиваемой работе")]),
    ("количество проверок достоверности", [(C, "Запрос о числе проверок")]),
    ("доходы супруги", [(C, "Вопрос о справке супруги")]),
    ("продажа автомобиля", [(C, "Доход от продажи автомобиля")]),
    ("пост о подарке в паблике", [(C, "Публикация о подарке чиновнику")]),
    (
        "методические рекомендации по декларационной кампании",
        [(C, "Запрос методических рекомендаций")],
    ),
    ("канал о рыбалке", [(C, "Срочно: сведения о сайтах")]),
]

# Who judges: cases as the registrar, the knowledge base as a reader.
JUDGE = {A: "reader", T: "reader", C: "registrar"}


def evaluate(users, search, top: int = 5):
    """Run the judged set. Returns a list of (query, [(item, rank or None)]), rank
    counted from 1 within the item's tab. `search(user, query, kind)` -> titles."""
    outcome = []
    for query, items in JUDGED:
        ranks = []
        for kind, title in items:
            titles = search(users[JUDGE[kind]], query, kind)[:top]
            rank = next((i + 1 for i, t in enumerate(titles) if t.startswith(title)), None)
            ranks.append(((kind, title), rank))
        outcome.append((query, ranks))
    return outcome


def scores(outcome) -> dict:
    """hit_rate: queries whose every item is in the top; recall: items in the top;
    mrr: mean reciprocal rank of the items (0 when not in the top)."""
    items = [rank for _query, ranks in outcome for _item, rank in ranks]
    return {
        "queries": len(outcome),
        "hit_rate": sum(all(r for _i, r in ranks) for _q, ranks in outcome) / len(outcome),
        "recall": sum(1 for r in items if r) / len(items),
        "mrr": sum(1 / r for r in items if r) / len(items),
    }
