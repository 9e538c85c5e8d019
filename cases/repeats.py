"""Possible repeats: a new message like an open or recent case of the same client.

59-FZ art. 11 p. 5: a written appeal that repeats questions already answered on the
merits, with no new arguments, may end the correspondence by the head's decision. The
desk does not decide that by itself: a new message is only flagged to the registrar as a
possible repeat of the earlier case (a link on the case page), who decides.

Compared with: the same client's cases that are open, or were received in the last
CASES_REPEAT_WINDOW_DAYS days (30 by default). Similar: the Jaccard similarity of the two
messages' sets of Russian Snowball stems (PyStemmer, the stemmer the search uses; words of
three letters or fewer and common function words left out) is at least
CASES_REPEAT_SIMILARITY (0.35 by default), subject and text together."""

from __future__ import annotations

import datetime as dt
import re

import Stemmer
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cases.choices import OPEN_STATUSES, Status
from cases.models import Case

DEFAULT_WINDOW_DAYS = 30
DEFAULT_SIMILARITY = 0.35

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that say nothing of the question itself (request formulas of a letter).
_NOISE = frozenset(
    [
        "прошу",
        "просим",
        "пожалуйста",
        "подскажите",
        "скажите",
        "сообщите",
        "разъясните",
        "здравствуйте",
        "уважаемые",
        "уважаемый",
        "спасибо",
        "заранее",
        "вопрос",
        "вопросу",
        "вопросом",
        "можно",
        "нужно",
        "который",
        "которая",
        "которые",
        "какой",
        "какая",
        "какие",
        "когда",
        "также",
        "этот",
        "этого",
        "этом",
        "этой",
        "если",
        "чтобы",
    ]
)
_stemmer = Stemmer.Stemmer("russian")


def stems(text: str) -> frozenset[str]:
    words = (w for w in _WORD.findall((text or "").lower().replace("ё", "е")) if len(w) > 3)
    return frozenset(_stemmer.stemWords([w for w in words if w not in _NOISE]))


def similarity(a: str, b: str) -> float:
    first, second = stems(a), stems(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def window_days() -> int:
    return int(getattr(settings, "CASES_REPEAT_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))


def threshold() -> float:
    return float(getattr(settings, "CASES_REPEAT_SIMILARITY", DEFAULT_SIMILARITY))


def find_repeat_of(case):
    """The most similar open or recent case of the same client, or None."""
    if not case.client_id and not case.external_client_id:
        return None
    since = (case.received_at or timezone.now()) - dt.timedelta(days=window_days())
    same_client = (
        Q(client_id=case.client_id)
        if case.client_id
        else Q(external_client=case.external_client_id)
    )
    earlier = (
        Case.objects.filter(same_client)
        .filter(Q(status__in=OPEN_STATUSES) | Q(received_at__gte=since))
        .exclude(pk=case.pk)
        .exclude(status=Status.JOINED)
        .order_by("-received_at")
        .only("pk", "subject", "text")[:50]
    )
    text = f"{case.subject} {case.text}"
    best, best_score = None, threshold()
    for other in earlier:
        score = similarity(text, f"{other.subject} {other.text}")
        if score >= best_score:
            best, best_score = other, score
    return best
