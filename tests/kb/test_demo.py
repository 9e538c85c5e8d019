"""What the demo KB relies on, as features: the parser that turns a seed procedure's
plain text into a structured article (kb.demo.procedure_from_text), the demo's
amendment of an act that flags the articles citing it, and seeding that is safe to
run again (kb.demo.seed: created only if missing, nothing an editor changed is
overwritten). The seed files are the repository's copies (kb/demo_data/)."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from kb import demo as kb_demo
from kb.demo import DATA_DIR, procedure_from_text
from kb.models import ArticlePage, LegalAct

SAMPLE = """Приложение к приказу Тестового комитета
от 01.02.2026 N 5
Порядок
проверки разбора текста
1. Термины и определения
Обращение - письменное сообщение клиента.
2. Общие требования
2.1. Управление принимает сообщения:
- по почте;
- на портале.
2.2. Исполнитель отвечает в срок 1
2.3. Сроки < 30 дней & без продления.
Если вы являетесь пользователем системы, откройте актуальную версию документа
3. Консультации
Линия работает:
в будни,
по записи.
3.1. Консультант называет себя.
"""


def _html(body) -> str:
    return "".join(value if kind == "paragraph" else "" for kind, value in body)


def test_procedure_from_text_follows_its_rules_on_a_small_text():
    """Each rule of the parser on a text made for it: the approving act as a callout,
    numbered sections as headings (sub-points stay paragraphs), «- » lines and the
    short lines after a colon as lists, «term - definition» with the term in bold,
    footnote digits and the legal database's banner dropped, the text escaped."""
    approval = "Приложение к приказу Тестового комитета от 01.02.2026 N 5"
    result = procedure_from_text(SAMPLE)
    assert result["title"] == "Порядок проверки разбора текста"
    assert result["approval"] == approval
    assert result["body"] == [
        ("callout", {"kind": "info", "text": f"<p>{approval}</p>"}),
        ("heading", {"text": "Термины и определения", "level": "h2"}),
        ("paragraph", "<p><strong>Обращение</strong> — письменное сообщение клиента.</p>"),
        ("heading", {"text": "Общие требования", "level": "h2"}),
        ("paragraph", "<p>2.1. Управление принимает сообщения:</p>"),
        ("paragraph", "<ul><li>по почте;</li><li>на портале.</li></ul>"),
        ("paragraph", "<p>2.2. Исполнитель отвечает в срок</p>"
                      "<p>2.3. Сроки &lt; 30 дней &amp; без продления.</p>"),
        ("heading", {"text": "Консультации", "level": "h2"}),
        ("paragraph", "<p>Линия работает:</p>"),
        ("paragraph", "<ul><li>в будни</li><li>по записи</li></ul>"),
        ("paragraph", "<p>3.1. Консультант называет себя.</p>"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("seed", "title_starts", "headings", "in_html", "not_in_html"),
    [
        (
            "seed_001_lo_01-03-351.txt",
            "Порядок взаимодействия с внутренним клиентом",
            ["Термины и определения", "Общие требования", "Консультационная линия",
             "База знаний"],
            ["<ul><li>применения законодательства Российской Федерации",
             "Суворовский пр-кт, д. 67"],
            ["ГАРАНТ", "Если вы являетесь пользователем"],
        ),
        (
            "seed_000_spb_kio_74-p.txt",
            "Порядок взаимодействия с клиентом",
            ["Общие положения: принципы, цели взаимодействия с клиентами"],
            ["<li>типовыми ответами"],
            ["активного слушания 1", "Если вы являетесь пользователем"],
        ),
    ],
)  # fmt: skip
def test_the_seed_procedures_parse_into_structured_articles(
    seed, title_starts, headings, in_html, not_in_html
):
    text = (DATA_DIR / seed).read_text("utf-8")
    result = procedure_from_text(text)
    assert result["title"].startswith(title_starts)
    body = result["body"]
    kinds = [kind for kind, _value in body]
    assert kinds[0] == "callout" and result["approval"] in body[0][1]["text"]
    found = [value["text"] for kind, value in body if kind == "heading"]
    assert len(found) >= 2 and found[: len(headings[:2])] == headings[:2]
    assert set(headings) <= set(found)
    html = _html(body)
    assert "<ul><li>" in html and "<strong>" in html  # lists and definitions
    for fragment in in_html:
        assert fragment in html, fragment
    for fragment in not_in_html:
        assert fragment not in html and fragment not in str(found), fragment


@pytest.fixture
def small_kb(org_demo):
    """The KB index and one section of ОДС, built with the demo's own helpers."""
    from intranet.models import HomePage, Unit

    index = kb_demo.ensure_index(HomePage.objects.get())
    section = kb_demo.ensure_section(index, "test-section", "Раздел для проверки",
                                     Unit.objects.get(short_name="ОДС"))  # fmt: skip
    return {"index": index, "section": section, "users": org_demo}


@pytest.mark.django_db
def test_the_demos_amendment_flags_the_articles_citing_the_act_once(small_kb, make_article):
    act = LegalAct.objects.create(kind="order", number="77-т", date=dt.date(2025, 3, 1),
                                  title="О тестовом порядке")  # fmt: skip
    citing = make_article(small_kb["section"], title="Статья со ссылкой", legal_acts=[act])
    other = make_article(small_kb["section"], title="Статья без ссылки")
    assert kb_demo._mark_demo_amendment(act) is True
    act.refresh_from_db()
    assert act.status == LegalAct.Status.AMENDED
    citing.refresh_from_db()
    other.refresh_from_db()
    assert citing.needs_review and act.short_citation in citing.review_reason
    assert not other.needs_review
    # The section's editor and head are told (kb.services.notify).
    from kb.models import Notification

    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"editor", "head"} <= told
    # The editor reviews and publishes; running the demo again does not flag it anew.
    citing.last_reviewed_on = timezone.localdate()
    citing.save_revision().publish()
    citing.refresh_from_db()
    assert not citing.needs_review
    assert kb_demo._mark_demo_amendment(act) is False
    citing.refresh_from_db()
    assert not citing.needs_review


@pytest.mark.django_db
def test_seeding_again_creates_only_what_is_missing_and_keeps_editors_changes(org_demo):
    first = io.StringIO()
    built = kb_demo.seed(stdout=first)
    assert "создано статей" in first.getvalue()
    articles = built["articles"]
    # An editor renames one article; another is deleted.
    kept = ArticlePage.objects.get(pk=articles["posle-uvolneniya"].pk)
    kept.title = "Ограничения после увольнения (отредактировано)"
    kept.save_revision(user=org_demo["editor3"]).publish()
    ArticlePage.objects.get(pk=articles["utochnennye-svedeniya"].pk).delete()
    snapshot = {a.slug: (a.title, a.revisions.count()) for a in ArticlePage.objects.all()}

    again = io.StringIO()
    kb_demo.seed(stdout=again)
    assert "создано статей — 1." in again.getvalue()
    now = {a.slug: (a.title, a.revisions.count()) for a in ArticlePage.objects.all()}
    assert set(now) == set(snapshot) | {"utochnennye-svedeniya"}
    assert {slug: now[slug] for slug in snapshot} == snapshot  # nothing else touched
    assert now["posle-uvolneniya"][0] == "Ограничения после увольнения (отредактировано)"

    third = io.StringIO()
    kb_demo.seed(stdout=third)
    assert "ничего не изменилось" in third.getvalue()
    assert {a.slug: (a.title, a.revisions.count()) for a in ArticlePage.objects.all()} == now


def test_the_demos_document_template_is_a_real_word_file(demo, client):
    """The notice of a possible conflict of interest (kb.document_templates): a DOCX a
    civil servant opens in Word, laid out as an official form, served to staff."""
    import zipfile

    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from wagtail.documents import get_document_model

    document = get_document_model().objects.get(
        title="Образец уведомления о личной заинтересованности"
    )
    assert document.file.name.endswith(".docx")
    with document.file.open("rb") as handle:
        content = handle.read()
    assert zipfile.is_zipfile(io.BytesIO(content))
    word = WordDocument(io.BytesIO(content))
    paragraphs = [p for p in word.paragraphs if p.text.strip()]
    assert paragraphs[0].text.startswith("Представителю нанимателя")
    assert paragraphs[0].paragraph_format.left_indent is not None
    name = next(p for p in paragraphs if p.text.startswith("УВЕДОМЛЕНИЕ"))
    assert name.alignment == WD_ALIGN_PARAGRAPH.CENTER and name.runs[0].bold
    assert "конфликту интересов" in name.text
    assert word.styles["Normal"].font.name == "Times New Roman"
    assert any("подпись" in p.text for p in paragraphs)

    client.force_login(demo["executor"])
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
