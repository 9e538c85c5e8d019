"""Demo history for the reports: answered, refused and rated cases spread over the last
months, created through the cases services with past moments (idempotent by subject)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases import services
from cases.models import AnswerKind, Case
from intranet.accounts.models import User
from intranet.models import Unit

PREFIX = "Отчётная история: "
# (days ago received, calendar days to answer, topic, urgent, refusal, rating)
HISTORY = [
    (150, 6, "declarations", False, False, 5),
    (120, 12, "declarations", False, False, 4),
    (100, 3, "conflict", True, False, 5),
    (80, 20, "declarations", False, False, 2),
    (65, 9, "prohibitions", False, True, None),
    (50, 4, "conflict", False, False, 4),
    (35, 14, "declarations", True, False, 3),
    (25, 7, "prohibitions", False, False, 5),
]


def _at(days_ago: int) -> dt.datetime:
    now = timezone.localtime()
    return (now - dt.timedelta(days=days_ago)).replace(hour=10, minute=0, second=0)


def seed(stdout=None) -> dict:
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    unit = Unit.objects.filter(short_name="ОДС").first()
    needed = ("client", "registrar", "executor", "head")
    if unit is None or any(name not in users for name in needed):
        if stdout is not None:
            stdout.write("Отчёты: нет демо-организации, пропускаю.")
        return {}
    # Gifts fall under the prohibitions and restrictions; an earlier demo stored the
    # code "gifts", which is no topic of cases.topics (nor of the API's schema).
    Case.objects.filter(subject__startswith=PREFIX, topic="gifts").update(topic="prohibitions")
    client, registrar = users["client"], users["registrar"]
    executor, head = users["executor"], users["head"]
    created = []
    for n, (ago, days, topic, urgent, refusal, rating) in enumerate(HISTORY, 1):
        subject = f"{PREFIX}вопрос {n}"
        if Case.objects.filter(subject=subject).exists():
            continue
        start, done = _at(ago), _at(max(ago - days, 1))
        case = services.submit_question(
            client, subject=subject, text="Вопрос для истории отчётов.", topic=topic, at=start
        )
        case = services.decide_urgency(case, registrar, urgent=urgent, at=start)
        case = services.assign(case, registrar, unit=unit, executor=executor, at=start)
        kind = AnswerKind.REFUSAL if refusal else AnswerKind.MERITS
        grounds = "Сведения о другом служащем не предоставляются." if refusal else ""
        services.save_answer(case, executor, kind=kind, body="<p>Ответ.</p>", grounds=grounds,
                             at=done)  # fmt: skip
        services.submit_answer(case, executor, at=done)
        if services.needs_approval(case, kind):
            services.approve_answer(case, head, comment="Согласовано.", at=done)
        services.register_answer(case, executor, at=done)
        if rating:
            services.rate_answer(Case.objects.get(pk=case.pk), client, score=rating, at=done)
        created.append(case)
    if stdout is not None:
        stdout.write(f"Отчёты: создано {len(created)}." if created else "Отчёты: история есть.")
    return {"cases": created}
