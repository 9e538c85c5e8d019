"""Report figures against values computed by hand on a fixed data set (October 2026,
no public holidays in it), permissions from the refused side, the exports and charts,
and a query count that does not grow with the number of cases."""

import csv
import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.choices import Status, Urgency
from cases.consultations.models import Consultation, Outcome
from cases.models import Answer, AnswerKind, Case, Rating, UnitCaseSettings
from cases.quality.models import QualityReview
from cases.reports import figures

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-10-01", "end": "2026-10-31"}


def at(day: str, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))


@pytest.fixture
def dataset(org, make_case):
    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": False}
    )

    def answered(subject, received, registered, due, kind=AnswerKind.MERITS, urgent=False):
        case = make_case(state="assigned", subject=subject, urgent=urgent)
        grounds = "Справку о доходах другого служащего выдать нельзя: это его личные сведения."
        services.save_answer(case, org.executor, kind=kind, body="<p>Ответ.</p>",
                             grounds=grounds if kind == AnswerKind.REFUSAL else "")  # fmt: skip
        services.submit_answer(case, org.executor)
        if kind == AnswerKind.REFUSAL:
            services.approve_answer(case, org.head)
        services.register_answer(case, org.executor)
        Case.objects.filter(pk=case.pk).update(received_at=at(received), due_date=due)
        Answer.objects.filter(case=case).update(registered_at=at(registered))
        return Case.objects.get(pk=case.pk)

    a = answered("A", "2026-10-05", "2026-10-09", dt.date(2026, 10, 30), urgent=True)
    b = answered("B", "2026-10-12", "2026-10-26", dt.date(2026, 10, 20))
    d = answered("D", "2026-10-20", "2026-10-22", dt.date(2026, 10, 30), kind=AnswerKind.REFUSAL)
    c = make_case(state="assigned", subject="C")
    Case.objects.filter(pk=c.pk).update(status=Status.FORWARDED, received_at=at("2026-10-14"))
    e = make_case(subject="E")  # outside the period
    Case.objects.filter(pk=e.pk).update(received_at=at("2026-09-20"))
    f = make_case(state="assigned", subject="F")  # open and overdue, received before
    Case.objects.filter(pk=f.pk).update(received_at=at("2026-09-25"), due_date=dt.date(2026, 11, 1))
    Rating.objects.create(case=a, unit=a.unit, executor=org.executor, score=5)
    Rating.objects.create(case=b, unit=b.unit, executor=org.executor, score=3)
    review = QualityReview.objects.create(
        case=a, unit=a.unit, executor=org.executor, reviewer=org.head, total=80,
        complete=2, accurate=2, meets_need=1, plain_language=1, channels=2, on_time=2,
        courteous=2,
    )  # fmt: skip
    QualityReview.objects.filter(pk=review.pk).update(reviewed_at=at("2026-10-28"))
    for topic, outcome, extra in (
        ("declarations", Outcome.ANSWERED, {"answer": "Да."}),
        ("declarations", Outcome.ANSWERED, {"answer": "Нет."}),
        ("conflict", Outcome.REDIRECTED, {"redirected_to": org.head}),
    ):
        Consultation.objects.create(
            held_at=at("2026-10-15"), topic=topic, question="?", outcome=outcome,
            duration_minutes=5, recorded_by=org.executor, unit=org.units["ОДС"], **extra,
        )  # fmt: skip
    return {"a": a, "b": b, "c": c, "d": d}


def breakdown(report, key):
    return dict(next(b for b in report.breakdowns if b.key == key).rows)


def test_figures_match_the_hand_computed_values(org, dataset):
    report = figures.build([org.units["ОДС"].pk], dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert report.received == 4  # A, B, C, D (E in September)
    assert report.urgent == 1 and report.urgent_share == 25.0
    assert report.answered == 3  # A, B, D registered in October
    assert report.on_time == 2 and report.on_time_share == 66.7  # B late (26.10 > 20.10)
    # Working days: A Mon 5 → Fri 9 = 4; B Mon 12 → Mon 26 = 10; D Tue 20 → Thu 22 = 2.
    assert report.median_days == 4 and report.p90_days == 10
    assert report.forwarded == 1 and report.refused == 1 and report.no_answer == 0
    assert report.overdue_now == 1  # F: due 01.11, still assigned
    assert report.ratings == 2 and report.rating_avg == 4.0
    assert breakdown(report, "unit") == {"ОДС": 4}
    assert sum(breakdown(report, "channel").values()) == 4
    assert breakdown(report, "quality_unit") == {"ОДС": 80.0}
    assert list(breakdown(report, "quality_executor").values()) == [80.0]
    topics = breakdown(report, "consultation_topic")
    assert topics == {"Сведения о доходах, расходах, имуществе": 2, "Конфликт интересов": 1}
    assert breakdown(report, "consultation_outcome") == {
        "Ответ дан сразу": 2, "Переадресовано коллеге": 1,
    }  # fmt: skip


def test_working_days_skip_holidays():
    index = figures.working_day_index(dt.date(2026, 12, 30), dt.date(2027, 1, 12))
    # 1–8 January are public holidays: no working day between 31.12 and 08.01.
    assert index[dt.date(2027, 1, 8)] - index[dt.date(2026, 12, 31)] == 0
    assert figures.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert figures.percentile([5, 1, 9, 7, 3, 2, 8, 6, 4, 10], 0.9) == 9


def test_page_charts_and_exports(client, org, dataset):
    client.force_login(org.head)
    page = client.get(reverse("reports:report"), PERIOD)
    html = page.content.decode()
    assert page.status_code == 200, html[:3000]
    assert 'data-figure="received">4<' in html and 'data-figure="p90_days">10,0<' in html
    assert html.count('<svg class="chart"') >= 6  # every breakdown with data has a chart
    exported = client.get(reverse("reports:report"), dict(PERIOD, format="csv"))
    assert exported["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    summary = {row[1]: row[2] for row in rows if row and row[0] == "Сводка"}
    assert summary["Поступило"] == "4" and summary["Доля ответов в срок"] == "66,7\xa0%"
    assert summary["Медиана срока ответа, рабочих дней"] == "4,0"
    assert summary["Средняя оценка заявителей"] == "4,00"
    quality = [row[1:] for row in rows if row and row[0] == "Оценка качества по подразделениям"]
    assert quality == [["ОДС", "80,0\xa0%"]]
    xlsx = client.get(reverse("reports:report"), dict(PERIOD, format="xlsx"))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = {row[1].value: row[2] for row in sheet.iter_rows() if row[0].value == "Сводка"}
    assert cells["Поступило"].value == 4 and cells["Медиана срока ответа, рабочих дней"].value == 4
    # Numbers stay numbers; the spreadsheet shows them with the reader's decimal comma.
    on_time = cells["Доля ответов в срок"]
    assert on_time.value == pytest.approx(0.667) and on_time.number_format == "0.0 %"
    assert cells["Средняя оценка заявителей"].number_format == "0.00"


def test_who_sees_which_units(client, org, dataset):
    for user in (org.executor, org.client, org.reader, org.registrar):
        client.force_login(user)
        assert client.get(reverse("reports:report")).status_code == 403, user
    # The head of ОКИ sees only ОКИ, even when asking for ОДС.
    client.force_login(org.head2)
    response = client.get(reverse("reports:report"), dict(PERIOD, unit=org.units["ОДС"].pk))
    assert response.status_code == 400  # not one of the head's units: refused, no figures
    assert "data-figure" not in response.content.decode()
    html = client.get(reverse("reports:report"), PERIOD).content.decode()
    assert 'data-figure="received">0<' in html
    # The department head sees every unit.
    client.force_login(org.chief)
    html = client.get(reverse("reports:report"), PERIOD).content.decode()
    assert 'data-figure="received">4<' in html


def test_bad_period_is_a_clear_error(client, org):
    client.force_login(org.head)
    response = client.get(reverse("reports:report"), {"start": "2026-10-31", "end": "2026-10-01"})
    assert response.status_code == 400
    assert "Начало периода позже его конца." in response.content.decode()


def test_queries_do_not_grow_with_the_cases(client, org, dataset, make_case):
    client.force_login(org.head)
    client.get(reverse("reports:report"), PERIOD)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:report"), PERIOD)
    for i in range(10):
        case = make_case(subject=f"Ещё {i}", urgent=bool(i % 2))
        Case.objects.filter(pk=case.pk).update(received_at=at("2026-10-16"),
                                               urgency=Urgency.URGENT)  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reports:report"), PERIOD)
    assert len(many) == len(few)


def test_page_writes_numbers_the_russian_way(client, org, dataset):
    """Shares with a decimal comma and a non-breaking space before the per cent sign, in
    the summary and in the charts; Russian titles (the «%» in a template msgid once left
    them in English)."""
    client.force_login(org.head)
    html = client.get(reverse("reports:report"), PERIOD).content.decode()
    assert 'data-figure="urgent_share">25,0\xa0%<' in html
    assert 'data-figure="on_time_share">66,7\xa0%<' in html
    assert 'data-figure="median_days">4,0<' in html
    assert 'data-figure="rating_avg">4,00 (2)<' in html
    assert "Доля срочных обращений" in html and "Доля ответов в срок" in html
    assert "Urgent" not in html and "on time" not in html and "66.7" not in html
    quality = html.split('data-breakdown="quality_unit"', 1)[1].split("</section>", 1)[0]
    assert ">80,0\xa0%</text>" in quality and "80.0" not in quality
    # The charts scale down to a narrow screen: a viewBox, and cases.css lets them shrink.
    assert re.search(r'<svg class="chart" [^>]*viewBox="0 0 \d+ \d+"', html)
    css = (settings.BASE_DIR / "cases/static/cases/cases.css").read_text()
    assert re.search(r"svg\.chart \{[^}]*max-width:100%;[^}]*height:auto", css)


def test_period_is_typed_as_dd_mm_yyyy(client, org, dataset):
    client.force_login(org.head)
    response = client.get(reverse("reports:report"), {"start": "06.10.2026", "end": "31.10.2026"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "С 06.10.2026 по 31.10.2026" in html
    assert 'data-figure="received">3<' in html  # B, C, D: A came on 05.10
    assert re.search(r'<input type="text" name="start" value="06.10.2026" [^>]*placeholder', html)
    for bad in ("2026-13-45", "32.01.2026", "10/05/2026"):
        response = client.get(reverse("reports:report"), {"start": bad})
        assert response.status_code == 400, bad
        assert 'role="alert">Введите дату в виде ДД.ММ.ГГГГ.</div>' in response.content.decode()
