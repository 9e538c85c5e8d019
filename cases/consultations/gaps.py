"""Knowledge gaps (issue 7 item 5, seed 001 §6): questions that keep coming (written
cases and consultations) grouped by topic and text similarity; a group that no live KB
article answers well is a gap of the unit that owns the topic (cases.TopicRoute).

Similarity uses the project's own Russian Snowball stemming (search.stemming, PyStemmer,
the same stems the search indexes use) rather than a new library: questions are sets of
meaningful stems, compared by Jaccard similarity, grouped single-link in a fixed order
(oldest first), so the result is deterministic for a given set of questions.

A group is "answered" when a live article's title, summary and search description cover
at least ANSWER_THRESHOLD of the group's core stems (stems in at least half of its
questions)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from search.stemming import STOP_WORDS, stem, words

SIMILARITY = 0.34  # Jaccard of two questions' stem sets to join a group
MIN_QUESTIONS = 3  # a group of fewer questions is not "keeps coming"
ANSWER_THRESHOLD = 0.6  # share of core stems an article must cover to answer the group
WINDOW_DAYS = 180  # questions of the last half-year make the groups


def stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(text) if w not in STOP_WORDS and len(w) > 2)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class Question:
    kind: str  # "case" or "consultation"
    pk: int
    topic: str
    text: str
    stems: frozenset[str] = field(default=frozenset())
    display: str = ""  # what editors see: a case shows its subject only, never its text

    def __post_init__(self):
        if not self.stems:
            self.stems = stems(self.text)
        if not self.display:
            self.display = self.text


@dataclass
class Cluster:
    topic: str
    questions: list[Question]
    unit_id: int | None = None
    answered_by: int | None = None  # pk of the article that answers it

    @property
    def core(self) -> frozenset[str]:
        counts: dict[str, int] = {}
        for question in self.questions:
            for s in question.stems:
                counts[s] = counts.get(s, 0) + 1
        half = (len(self.questions) + 1) // 2
        return frozenset(s for s, n in counts.items() if n >= half)

    @property
    def key(self) -> str:
        """Stable identity of the group (topic + core stems): a digest names it once."""
        raw = self.topic + ":" + " ".join(sorted(self.core))
        return hashlib.sha1(raw.encode()).hexdigest()[:16]

    @property
    def sample(self) -> str:
        """A consultation's question if there is one, else the first case's subject."""
        for question in self.questions:
            if question.kind == "consultation":
                return question.display
        return self.questions[0].display

    @property
    def is_gap(self) -> bool:
        return self.answered_by is None and len(self.questions) >= MIN_QUESTIONS


def cluster(questions: list[Question]) -> list[Cluster]:
    """Single-link grouping within each topic, in the given order (deterministic)."""
    clusters: list[Cluster] = []
    for question in questions:
        if not question.stems:
            continue
        joined = None
        for group in clusters:
            if group.topic != question.topic:
                continue
            if any(
                similarity(question.stems, other.stems) >= SIMILARITY for other in group.questions
            ):
                joined = group
                break
        if joined:
            joined.questions.append(question)
        else:
            clusters.append(Cluster(topic=question.topic, questions=[question]))
    clusters.sort(key=lambda c: (-len(c.questions), c.topic, c.questions[0].pk))
    return clusters


def answering_article(group: Cluster, articles: list[tuple[int, frozenset[str]]]) -> int | None:
    core = group.core
    if not core:
        return None
    best, best_score = None, 0.0
    for pk, article_stems in articles:
        score = len(core & article_stems) / len(core)
        if score > best_score:
            best, best_score = pk, score
    return best if best_score >= ANSWER_THRESHOLD else None


def _article_stems() -> list[tuple[int, frozenset[str]]]:
    from kb.models import ArticlePage

    rows = ArticlePage.objects.live().values_list("pk", "title", "summary", "search_description")
    return [(pk, stems(" ".join(p or "" for p in parts))) for pk, *parts in rows]


def collect_questions(since=None) -> list[Question]:
    from cases.consultations.models import Consultation
    from cases.models import Case

    consultations = Consultation.objects.all()
    # Confidential cases stay out: their words are not shown to KB editors.
    cases = Case.objects.exclude(topic="").filter(is_confidential=False)
    if since is not None:
        consultations = consultations.filter(held_at__gte=since)
        cases = cases.filter(created_at__gte=since)
    found = [
        Question("consultation", pk, topic, text)
        for pk, topic, text in consultations.order_by("held_at", "pk").values_list(
            "pk", "topic", "question"
        )
    ]
    found += [
        Question("case", pk, topic, f"{subject}. {text}", display=subject)
        for pk, topic, subject, text in cases.order_by("pk").values_list(
            "pk", "topic", "subject", "text"
        )
    ]
    return found


def find_gaps(questions: list[Question] | None = None) -> list[Cluster]:
    """All gaps (groups no article answers), each with the unit owning its topic."""
    from cases.models import TopicRoute

    routes = dict(TopicRoute.objects.values_list("topic", "unit_id"))
    articles = _article_stems()
    gaps = []
    if questions is None:
        import datetime as dt

        from django.utils import timezone

        questions = collect_questions(timezone.now() - dt.timedelta(days=WINDOW_DAYS))
    for group in cluster(questions):
        if len(group.questions) < MIN_QUESTIONS:
            continue
        group.answered_by = answering_article(group, articles)
        group.unit_id = routes.get(group.topic)
        if group.is_gap:
            gaps.append(group)
    return gaps


def gaps_for_units(unit_ids) -> dict[int, list[Cluster]]:
    unit_ids = set(unit_ids)
    result: dict[int, list[Cluster]] = {}
    for group in find_gaps():
        if group.unit_id in unit_ids:
            result.setdefault(group.unit_id, []).append(group)
    return result
