"""The demo's acknowledgement sheet (after kb.demo): the head of ОМП, which owns it, asks
the whole department (its units included) and the reader to read «Порядок
взаимодействия…» within ten days; two of ОМП have confirmed.
So on day one the reader is asked (a notification, the «Ознакомлен(а)» button on the
article) and the head's sheet shows who has read it and who has not. Idempotent: one
sheet on that article is enough."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

ARTICLE_SLUG = "poryadok-lo-01-03-351"
DUE_IN_DAYS = 10
ASSIGNED_BY = "head3"
ALSO_ASKED = ("reader",)
CONFIRMED = ("editor3", "head3")


def seed(stdout=None) -> dict:
    from intranet.demo import DEPARTMENT
    from intranet.models import Unit
    from kb.models import ArticlePage

    from . import services
    from .models import Sheet

    article = ArticlePage.objects.filter(slug=ARTICLE_SLUG).first()
    names = {ASSIGNED_BY, *ALSO_ASKED, *CONFIRMED}
    users = {user.username: user for user in get_user_model().objects.filter(username__in=names)}
    unit = Unit.objects.filter(short_name=DEPARTMENT).first()
    if article is None or unit is None or ASSIGNED_BY not in users:
        return {}
    sheet = Sheet.objects.filter(article=article).first()
    if sheet is not None:
        return {"sheet": sheet}
    sheet = services.assign(
        article,
        users[ASSIGNED_BY],
        due_date=timezone.localdate() + dt.timedelta(days=DUE_IN_DAYS),
        units=[unit],
        people=[users[name] for name in ALSO_ASKED if name in users],
        note="Новая редакция порядка: прочитайте до планёрки.",
    )
    confirmed = 0
    for name in CONFIRMED:
        if name in users and services.has_lines(users[name], article):
            confirmed += services.confirm(article, users[name])
    if stdout is not None:
        stdout.write(
            f"Лист ознакомления: «{article.title}», строк — {sheet.lines.count()}, "
            f"ознакомились — {confirmed}."
        )
    return {"sheet": sheet}
