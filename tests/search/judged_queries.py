"""The judged query set over the demo content (kb.demo, cases.demo): each query with
the items that must appear in the first five results of their tab. Written the way
civil servants type (issue 21): questions with question words, other word forms,
synonyms, everyday words, act numbers, typos, the wrong keyboard layout, one to six
words. A judgement names
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
NEIGHBOUR_PROCEDURE = (A, "Порядок взаимодействия с клиентом в рамках рассмотрения обращений")

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
    # -- typed as questions, with question words (issue 21)
    ("что такое конфликт интересов", [CONFLICT]),
    ("какие сведения входят в справку", [DECLARATION]),
    ("когда сдавать справку о доходах", [TO_DEADLINE, DECLARATION]),
    ("до какого числа сдать справку", [TO_DEADLINE, LATE]),
    ("срок сдачи справки", [DECLARATION, LATE, TO_DEADLINE]),
    ("что делать если нашел ошибку в справке", [MISTAKE]),
    ("как уведомить о подарке", [GIFT]),
    ("что делать с подарком", [GIFT]),
    ("можно ли принять подарок", [GIFT]),
    ("можно ли выкупить подарок", [GIFT]),
    ("в течение скольких дней уведомить о подарке", [GIFT]),
    ("кому сообщать о склонении к коррупции", [INDUCEMENT]),
    ("что будет если не сообщить о склонении", [INDUCEMENT]),
    ("какие сайты указывать", [SITES, TO_SITES]),
    ("нужно ли указывать страницу вконтакте", [SITES]),
    ("до какого числа подаются сведения о сайтах", [SITES, TO_SITES]),
    ("как заполнить уведомление о личной заинтересованности", [NOTICE_SAMPLE]),
    ("как сообщить о возникновении личной заинтересованности", [NOTICE_SAMPLE, CONFLICT]),
    ("нужно ли уведомлять о преподавательской работе", [SIDE_JOB]),
    ("что сообщить новому работодателю", [AFTER_SERVICE]),
    ("кто представляет справки за членов семьи", [DECLARATION]),
    ("где размещаются сведения о доходах", [DECLARATION]),
    ("где скачать справки бк", [DECLARATION]),
    # -- other word forms, synonyms, everyday words
    ("подарили", [GIFT]),
    ("сувенир", [GIFT]),
    ("подарили сувенир на выставке", [GIFT]),
    ("подарками", [GIFT]),
    ("предлагают взятку", [INDUCEMENT]),
    ("склонение", [INDUCEMENT]),
    ("соцсети в сведениях", [SITES]),
    ("сайт", [SITES]),
    ("образец уведомления о конфликте интересов", [NOTICE_SAMPLE]),
    ("заинтересованности", [NOTICE_SAMPLE, CONFLICT]),
    ("подработка", [SIDE_JOB]),
    ("преподавательская работа", [SIDE_JOB]),
    ("уведомление о работе по совместительству", [SIDE_JOB]),
    ("работа после увольнения", [AFTER_SERVICE]),
    ("уволился со службы ограничения", [AFTER_SERVICE]),
    ("согласие комиссии на трудоустройство", [AFTER_SERVICE]),
    ("справка в отпуске", [LATE]),
    ("отпуск", [LATE]),
    ("опоздал со справкой", [LATE]),
    ("справка по почте", [LATE]),
    ("уточненные сведения срок", [MISTAKE]),
    ("нашел ошибку", [MISTAKE]),
    ("доходы супруги и детей", [DECLARATION]),
    ("2-НДФЛ", [DECLARATION]),
    ("ответ клиенту о сроке справки", [TO_DEADLINE]),
    ("типовой ответ про сайты", [TO_SITES]),
    ("типовой ответ конфликт интересов", [TO_CONFLICT]),
    ("личный приём", [PROCEDURE, (C, "Личный приём")]),
    ("личный прием клиента", [PROCEDURE]),
    ("приём сообщений", [NEIGHBOUR_PROCEDURE]),
    ("консультационная линия", [PROCEDURE]),
    ("срочные сообщения", [PROCEDURE]),
    ("переадресация обращения", [NEIGHBOUR_PROCEDURE]),
    ("устная консультация", [NEIGHBOUR_PROCEDURE]),
    # -- legal acts by number
    ("указ 559", [DECLARATION, LATE, MISTAKE, (T, "Типовой ответ: срок и порядок")]),
    ("Указ № 460", [DECLARATION, (T, "Типовой ответ: срок и порядок")]),
    ("273-ФЗ", [INDUCEMENT, DECLARATION, CONFLICT, AFTER_SERVICE, TO_CONFLICT]),
    ("ст. 12 59-ФЗ", [NEIGHBOUR_PROCEDURE]),
    ("79-ФЗ совместительство", [SIDE_JOB]),
    ("распоряжение 2867-р", [SITES, TO_SITES]),
    ("постановление 10 подарки", [GIFT]),
    ("указ 650 уведомление", [NOTICE_SAMPLE]),
    # -- typos
    ("конфликт интерсов", [CONFLICT]),
    ("спарвка о доходах", [DECLARATION]),
    ("подорок", [GIFT]),
    ("совместительсво", [SIDE_JOB]),
    ("увальнение", [AFTER_SERVICE]),
    ("деклорация", [DECLARATION]),
    # -- the wrong keyboard layout
    ("cghfdrf j ljkj[f[", [DECLARATION]),
    ("rjyakbrn bynthtcjd", [CONFLICT]),
    ("gjlfhjr", [GIFT]),
    ("cjdvtcnbntkmcndj", [SIDE_JOB]),
    # -- cases (as the registrar)
    ("кредитная карта с нулевым балансом", [(C, "Нужно ли указывать в справке кредитную")]),
    ("копия справки коллеги", [(C, "Прошу выдать копию справки")]),
    ("управляющая компания не убирает подъезд", [(C, "Жалоба на работу управляющей")]),
    ("повторно о подарке", [(C, "Повторно о порядке уведомления о подарке")]),
    ("проверка конфликта интересов в учреждении", [(C, "Проверка сведений о конфликте")]),
    ("продал автомобиль", [(C, "Доход от продажи автомобиля")]),
    ("закрыл вклад", [(C, "Как указать в справке вклад")]),
    ("книги с символикой", [(C, "Можно ли принять книгу в подарок")]),
    ("супруга не работает", [(C, "Вопрос о справке супруги")]),
    ("методические рекомендации по справкам", [(C, "Запрос методических рекомендаций")]),
]

# Who judges: cases as the registrar, the knowledge base as a reader.
JUDGE = {A: "reader", T: "reader", C: "registrar"}


def evaluate(users, search, top: int = 10):
    """Run the judged set. Returns a list of (query, [(item, rank or None)]), rank
    counted from 1 within the item's tab, None past `top`. `search(user, query, kind)`
    -> titles (each tab searched once per query)."""
    outcome = []
    for query, items in JUDGED:
        ranks = []
        found = {}
        for kind, title in items:
            if (JUDGE[kind], kind) not in found:
                found[(JUDGE[kind], kind)] = search(users[JUDGE[kind]], query, kind)
            titles = found[(JUDGE[kind], kind)][:top]
            rank = next((i + 1 for i, t in enumerate(titles) if t.startswith(title)), None)
            ranks.append(((kind, title), rank))
        outcome.append((query, ranks))
    return outcome


def scores(outcome) -> dict:
    """Per judged item (a query with several judged items counts each):

    - recall: share of the items in the first five of their tab (recall@5);
    - mrr: mean reciprocal rank within the first ten (MRR@10), where an item's rank
      counts the other judged items of the same query and tab above it as hits, not
      misses (a query judged with three right answers has ranks 1, 2, 3 at best; each
      counts as 1);
    - hit_rate: share of the queries whose every item is in the first five."""
    items = []
    for _query, ranks in outcome:
        for _item, rank in ranks:
            if rank is None:
                items.append(None)
                continue
            judged_above = sum(
                1 for other, r in ranks if r is not None and r < rank and other[0] == _item[0]
            )
            items.append(rank - judged_above)
    at5 = [r for _q, ranks in outcome for _i, r in ranks]
    return {
        "queries": len(outcome),
        "items": len(items),
        "hit_rate": sum(all(r and r <= 5 for _i, r in ranks) for _q, ranks in outcome)
        / len(outcome),
        "recall": sum(1 for r in at5 if r and r <= 5) / len(at5),
        "mrr": sum(1 / r for r in items if r) / len(items),
    }
