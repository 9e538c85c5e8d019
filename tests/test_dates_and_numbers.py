"""Numbers and dates the Russian way: the formatting helpers and their template filters,
the one date widget (a text box for ДД.ММ.ГГГГ, whatever the browser's locale), every
form with a date taking «05.12.2026» and refusing impossible dates with the Russian
error, and a guard that no browser date picker comes back."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from intranet import formatting
from intranet.forms import DateField, DateTimeField

NBSP = "\xa0"
BAD_DATES = ["2026-13-45", "32.01.2026", "31.02.2026", "5 декабря"]
DATE_ERROR = "Введите дату в виде ДД.ММ.ГГГГ."
PICKER = re.compile(r"type=[\"']?date\b|datetime-local|forms\.Date(Time)?(Field|Input)\(")


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (86, 1, "86,0"),
        (66.66, 1, "66,7"),
        (0.05, 1, "0,1"),  # rounded half up, not cut
        (4, 2, "4,00"),
        (2026, None, "2026"),  # four digits stay together
        (12500, None, f"12{NBSP}500"),
        (1234567.891, 2, f"1{NBSP}234{NBSP}567,89"),
        (-0.01, 1, "0,0"),
        (None, 1, "—"),
    ],
)
def test_number(value, digits, shown):
    assert formatting.number(value, digits) == shown


def test_percent_and_the_template_filters():
    assert formatting.percent(86) == f"86,0{NBSP}%"
    assert formatting.percent(80, 0) == f"80{NBSP}%"
    assert formatting.percent(None) == "—"
    template = Template(
        "{% load intranet_tags %}{{ share|percent }}|{{ total|percent:0 }}|{{ n|number }}"
        "|{{ days|number:1 }}|{{ missing|percent }}"
    )
    rendered = template.render(
        Context({"share": 66.66, "total": 80, "n": 15000, "days": 2.25, "missing": None})
    )
    assert rendered == f"66,7{NBSP}%|80{NBSP}%|15{NBSP}000|2,3|—"


def test_the_date_widget_is_a_text_box_for_dd_mm_yyyy():
    html = DateField().widget.render("day", dt.date(2026, 12, 5))
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="05.12.2026"' in html
    assert 'placeholder="ДД.ММ.ГГГГ"' in html and 'inputmode="numeric"' in html
    pattern = re.search(r'pattern="([^"]+)"', html).group(1)
    for typed in ("05.12.2026", "5.12.2026", "05122026", "2026-12-05"):
        assert re.fullmatch(pattern, typed), typed
    assert not re.fullmatch(pattern, "12/05/2026")
    html = DateTimeField().widget.render("at", dt.datetime(2026, 12, 5, 9, 30))
    assert 'type="text"' in html and 'value="05.12.2026 09:30"' in html
    assert 'placeholder="ДД.ММ.ГГГГ ЧЧ:ММ"' in html


def test_the_fields_take_russian_dates_and_iso_and_nothing_else():
    field = DateField()
    for typed in ("05.12.2026", " 5.12.2026 ", "05122026", "05,12,2026", "2026-12-05"):
        assert field.clean(typed) == dt.date(2026, 12, 5), typed
    for typed in (*BAD_DATES, "12/05/2026", "20261205"):
        with pytest.raises(Exception) as refused:
            field.clean(typed)
        assert refused.value.messages == [DATE_ERROR], typed
    moment = DateTimeField()
    for typed in ("05.12.2026 09:30", "05.12.2026, 09:30", "2026-12-05T09:30"):
        value = moment.clean(typed)
        assert timezone.localtime(value).replace(tzinfo=None) == dt.datetime(2026, 12, 5, 9, 30)
    with pytest.raises(Exception) as refused:
        moment.clean("32.01.2026 09:30")
    assert refused.value.messages == ["Введите дату и время в виде ДД.ММ.ГГГГ ЧЧ:ММ."]


def test_no_browser_date_picker_in_the_product():
    """Every date box is intranet.forms' widget: no <input type="date">, no
    datetime-local, no plain Django date field in the apps' forms and templates."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for app in ("intranet", "cases", "kb", "search"):
        for path in [*(root / app).rglob("*.py"), *(root / app).rglob("*.html")]:
            name = path.relative_to(root).as_posix()
            if "/migrations/" in name or name == "intranet/forms.py":
                continue
            text = path.read_text(encoding="utf-8")
            if PICKER.search(text):
                offenders.append(name)
    assert offenders == []


# --- every form with a date, through its page ----------------------------------------


@pytest.mark.django_db
def test_registration_takes_the_moment_as_dd_mm_yyyy_hh_mm(client, org):
    client.force_login(org.registrar)
    page = client.get(reverse("cases:register")).content.decode()
    assert re.search(r'<input type="text" name="received_at" value="\d\d\.\d\d\.\d{4} \d\d:\d\d"',
                     page)  # fmt: skip
    data = {
        "channel": "post", "regime": "", "external_kind": "person",
        "external_name": "Сидоров Пётр Ильич", "subject": "Письмо о подарке",
        "text": "Прошу разъяснить порядок сдачи подарка.", "topic": "prohibitions",
        "reply_channel": "post", "reply_contact": "СПб, Невский пр., 1",
    }  # fmt: skip
    for bad in ("2026-13-45 10:00", "32.01.2026 10:00", "05.12.2026 25:00"):
        response = client.post(reverse("cases:register"), dict(data, received_at=bad))
        assert response.status_code == 200, bad
        assert (
            'role="alert">Введите дату и время в виде ДД.ММ.ГГГГ ЧЧ:ММ.</div>'
            in response.content.decode()
        )
    assert not Case.objects.exists()
    response = client.post(reverse("cases:register"), dict(data, received_at="05.12.2026 10:30"))
    assert response.status_code == 302
    assert timezone.localtime(Case.objects.get().received_at) == _at(2026, 12, 5, 10, 30)


@pytest.mark.django_db
def test_reception_day_is_typed_as_dd_mm_yyyy(client, org):
    from intranet.models import ReceptionPointPage

    point = ReceptionPointPage.objects.get()
    client.force_login(org.registrar)
    url = reverse("reception:day")
    html = client.get(url, {"point": point.pk, "day": "05.12.2026"}).content.decode()
    assert "суббота, 5 декабря 2026" in html
    assert re.search(r'<input type="text" name="day" value="05.12.2026" [^>]*id="day-day"', html)
    assert "04.12.2026" in html and "06.12.2026" in html  # the previous and next days
    for bad in BAD_DATES:
        html = client.get(url, {"point": point.pk, "day": bad}).content.decode()
        assert f">{DATE_ERROR}</div>" in html, bad


def _at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args, **({} if len(args) > 3 else {"hour": 12})))


def test_the_wagtail_admin_shows_and_reads_dates_the_same_way():
    from django import forms
    from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

    assert 'value="05.12.2026"' in AdminDateInput().render("date", dt.date(2026, 12, 5))
    moment = AdminDateTimeInput().render("go_live_at", dt.datetime(2026, 12, 5, 9, 30))
    assert 'value="05.12.2026 09:30"' in moment
    # The admin's model form fields read them back in the Russian locale.
    assert forms.DateField().clean("05.12.2026") == dt.date(2026, 12, 5)
