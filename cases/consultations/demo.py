"""Demo consultations (idempotent): one of each outcome, on the seed's topics."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.consultations.models import Consultation, Outcome


def seed(stdout=None) -> dict:
    from intranet.accounts.models import User
    from intranet.models import Unit

    if Consultation.objects.exists():
        return {"consultations": 0}
    users = {u.username: u for u in User.objects.filter(username__in=["executor", "head"])}
    if "executor" not in users:
        return {"consultations": 0}
    unit = Unit.objects.filter(short_name="ОДС").first()
    now = timezone.now()
    rows = [
        {"topic": "declarations", "outcome": Outcome.ANSWERED, "channel": "phone",
             "client_name": "Петрова Анна Сергеевна", "duration_minutes": 7,
             "question": "Нужно ли указывать в справке вклад, закрытый в декабре?",
             "answer": "Да: вклад, действовавший в отчётном году, указывается в разделе 4."},
        {"topic": "conflict", "outcome": Outcome.REDIRECTED, "channel": "visit",
             "client_name": "Соколов Игорь Петрович", "duration_minutes": 12,
             "question": "Брат устраивается в подведомственное учреждение: это конфликт интересов?",
             "redirected_to": users.get("head")},
        {"topic": "law", "outcome": Outcome.OUTSIDE, "channel": "phone",
             "client_name": "Жилец дома по ул. Садовой", "duration_minutes": 4,
             "question": "Управляющая компания не отвечает на жалобы.",
             "competent_body": "Государственная жилищная инспекция",
             "competent_body_contacts": "тел. 8 (812) 576-07-01, gji.gov.spb.ru"},
    ]  # fmt: skip
    # Questions that keep coming and that no article answers: a knowledge gap (/cases/gaps/).
    for text in (
        "Как отразить в справке о доходах цифровую валюту на криптокошельке?",
        "Нужно ли указывать в справке о доходах криптокошелек с цифровой валютой?",
        "Цифровая валюта на криптокошельке: в какой раздел справки о доходах?",
        "Куда в справке о доходах вписать цифровую валюту с криптокошелька?",
    ):
        colleague = users.get("head") or users["executor"]
        rows.append({"topic": "declarations", "outcome": Outcome.REDIRECTED, "channel": "phone",
                     "client_name": "Служащий министерства", "duration_minutes": 5,
                     "question": text, "redirected_to": colleague})  # fmt: skip
    for days, row in enumerate(rows, start=1):
        Consultation.objects.create(
            held_at=now - dt.timedelta(days=days), recorded_by=users["executor"], unit=unit, **row
        )
    if stdout is not None:
        stdout.write(f"Консультации: {len(rows)}.")
    return {"consultations": len(rows)}
