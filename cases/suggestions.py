"""Knowledge-base articles suggested while a client types a new question, and the rule
that counts the questions the knowledge base answered.

The question form (``cases.views.new_question``) asks ``cases.views.question_suggestions``
for up to SUGGESTIONS articles the client may open, found by the staff search
(``search.services.search``, articles only, with its visibility rules). A suggestion
opens through ``cases.views.suggestion_open``, which records the opening here with the
one-time token of the form's draft (``QuestionForm.submission_token``) and sends the
client on to the article.

The rule («Вопросов снято после статьи базы знаний», the heads' report):

- a draft is one form, known by its token; it counts once, however many articles were
  opened from it;
- it counts as answered by the knowledge base when an article was opened from it and no
  question was sent with its token (``Case.submission_key``) — a question sent after
  reading an article is not counted;
- it counts once its last opening is DRAFT_GRACE old (the client may still be reading
  and come back to send the question), in the period of its first opening;
- it counts for the unit owning the article's knowledge-base section; a draft whose
  articles belong to no unit counts only in a report over every unit.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.utils import timezone

from cases.models import Case, KnowledgeBaseOpening

SUGGESTIONS = 5
# Words of the draft the search is given: the subject and the start of the text.
QUERY_WORDS = 12
MIN_QUERY_CHARS = 3
DEFAULT_DRAFT_GRACE_HOURS = 24
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def draft_grace() -> dt.timedelta:
    hours = getattr(settings, "CASES_KB_DRAFT_GRACE_HOURS", DEFAULT_DRAFT_GRACE_HOURS)
    return dt.timedelta(hours=int(hours))


def draft_query(subject: str, text: str) -> str:
    """What the search is asked for a draft: its first QUERY_WORDS words (subject
    first), or "" when too little is typed yet."""
    words = f"{subject or ''} {text or ''}".split()[:QUERY_WORDS]
    query = " ".join(words)[:200]
    return query if len(query) >= MIN_QUERY_CHARS else ""


def valid_token(token: str | None) -> bool:
    """A form's one-time token as `cases.forms.new_submission_token` makes it."""
    return bool(token) and bool(TOKEN.match(token))


def record_opening(user, token: str, page_id: int, unit_id: int | None = None, at=None):
    """The client opened the article `page_id` from the suggestions of the draft
    `token`. A token the form did not make is not recorded (returns None)."""
    if not user.is_authenticated or not valid_token(token):
        return None
    return KnowledgeBaseOpening.objects.create(
        user=user, token=token, page_id=page_id, unit_id=unit_id, opened_at=at or timezone.now()
    )


def answered_by_knowledge_base(
    unit_ids, low: dt.datetime, high: dt.datetime, *, every_unit: bool, now=None
) -> int:
    """Drafts of the period [low, high) the knowledge base answered, by the rule above,
    for the units `unit_ids` (`every_unit`: the report covers them all, so drafts whose
    articles belong to no unit count too). One query."""
    now = now or timezone.now()
    scope = Q(unit_id__in=list(unit_ids))
    if every_unit:
        scope |= Q(unit__isnull=True)
    sent = Case.objects.filter(client_id=OuterRef("user_id"), submission_key=OuterRef("token"))
    return (
        KnowledgeBaseOpening.objects.filter(scope)
        .filter(~Exists(sent))
        .values("user_id", "token")
        .annotate(first=Min("opened_at"), last=Max("opened_at"))
        .filter(first__gte=low, first__lt=high, last__lt=now - draft_grace())
        .count()
    )
