"""The four cases of tests/cases/test_permissions.py, built once per test run as the
`permissions` world (tests/worlds.py) instead of for each of its some ninety tests:

A (client, routed to ОДС, with a PDF), B (client2, routed to ОКИ), C (client2,
confidential, routed to ОКИ), D (client, not routed yet)."""

from __future__ import annotations

SUBJECTS = {
    "A": "Права: вопрос клиента в ОДС",
    "B": "Права: вопрос второго клиента в ОКИ",
    "C": "Права: конфиденциальный вопрос в ОКИ",
    "D": "Права: вопрос без исполнителя",
}


def build() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.cases.factories import CaseFactory
    from tests.factories import load_org

    org = load_org()
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 a", content_type="application/pdf")
    CaseFactory(state="assigned", client=org.client, uploads=[pdf], subject=SUBJECTS["A"])
    CaseFactory(
        state="assigned", client=org.client2, unit="ОКИ", executor="executor2",
        topic="conflict", subject=SUBJECTS["B"],
    )  # fmt: skip
    CaseFactory(
        state="assigned", client=org.client2, unit="ОКИ", executor="executor2",
        is_confidential=True, topic="conflict", subject=SUBJECTS["C"],
    )  # fmt: skip
    CaseFactory(client=org.client, subject=SUBJECTS["D"])


def load() -> dict:
    from cases.models import Case

    by_subject = {case.subject: case for case in Case.objects.filter(subject__in=SUBJECTS.values())}
    return {label: by_subject[subject] for label, subject in SUBJECTS.items()}
