"""The staff directory's search (`intranet.directory`): «ё» and case aside, phone numbers
in any notation, declined names; and the directory page that shows what it finds."""

import re

import pytest

from intranet.demo import DEMO_PASSWORD
from intranet.directory import directory_text, phone_digits, query_terms, search
from intranet.models import StaffProfile, Unit
from tests.factories import UnitFactory, UserFactory

# --- what is stored and how a query is cut (no database) ---------------------------


def test_directory_text_is_lower_case_words_with_e_for_yo():
    text = directory_text("Фёдорова Анна Михайловна", "fedorova", "Главный специалист-эксперт")
    assert text == " федорова анна михайловна fedorova главный специалист эксперт "


@pytest.mark.parametrize(
    "phone, digits",
    [
        ("+7 (812) 576-44-01", "78125764401"),
        ("8 (812) 576-44-01", "78125764401"),
        ("(812) 5764401", "78125764401"),
        ("576-44-01", "5764401"),
        ("576-44-01, 576-44-02", "5764401 5764402"),
        ("+7 (812) 576-44-01 доб. 123", "78125764401 123"),
        ("", ""),
    ],
)
def test_phone_digits_keep_each_number_as_digits(phone, digits):
    assert phone_digits(phone) == digits


def test_a_phone_number_in_any_notation_is_one_term():
    for query in ("+7 (812) 576-44-01", "8 812 576 44 01", "78125764401"):
        [term] = query_terms(query)
        assert term.phone == "78125764401", query
    [term] = query_terms(" 576-44-01 ")
    assert term.phone == "5764401"


def test_fewer_than_four_digits_are_a_word_not_a_phone():
    terms = query_terms("Кузнецова 307 44-01")
    assert [(t.word, t.phone) for t in terms] == [("кузнецова", ""), ("307", ""), ("4401", "4401")]


# --- the matching rule on the database --------------------------------------------


@pytest.fixture
def people(db):
    unit = UnitFactory(short_name="ОТП", name="Отдел тестирования поиска")

    def person(username, last, first, patronymic, phone="", room="", position=""):
        user = UserFactory(username=username, last_name=last, first_name=first,
                           patronymic=patronymic)  # fmt: skip
        profile = user.profile
        profile.unit, profile.phone, profile.room, profile.position = unit, phone, room, position
        profile.save()
        return profile

    person("fedorova", "Фёдорова", "Анна", "Михайловна", "+7 (812) 576-44-01", "307",
           "Главный специалист")  # fmt: skip
    person("kuznetsov", "Кузнецов", "Пётр", "Ильич", "8 (812) 576-44-02", "308")
    person("kuznetsova", "Кузнецова", "Мария", "Андреевна", "576-44-03", "309")
    person("ivanov", "Иванов", "Сергей", "Олегович", "+7 (812) 577-10-10")
    person("petrov", "Петров", "Иван", "Петрович", "+7 (812) 577-20-20")
    person("aleshina", "Алешина", "Ольга", "Юрьевна")
    return unit


def found(unit, query: str) -> set[str]:
    profiles = StaffProfile.objects.filter(unit=unit)
    return set(search(profiles, query).values_list("user__last_name", flat=True))


@pytest.mark.parametrize("query", ["Федорова", "ФЕДОРОВА", "фёдорова", "федор"])
def test_yo_and_case_do_not_matter(people, query):
    assert found(people, query) == {"Фёдорова"}


def test_a_yo_typed_finds_a_name_written_with_e(people):
    assert found(people, "Алёшина") == {"Алешина"}


@pytest.mark.parametrize(
    "query",
    ["+7 (812) 576-44-01", "8 (812) 576-44-01", "576-44-01", "5764401", "576 44 01", "4401"],
)
def test_a_phone_number_in_any_notation_finds_the_person(people, query):
    assert found(people, query) == {"Фёдорова"}


def test_a_fragment_of_four_digits_finds_every_number_holding_it(people):
    assert found(people, "576-44") == {"Фёдорова", "Кузнецов", "Кузнецова"}
    assert found(people, "812 577") == {"Иванов", "Петров"}
    # Three digits are a room, not a piece of a phone number.
    assert found(people, "576") == set()
    assert found(people, "307") == {"Фёдорова"}


@pytest.mark.parametrize(
    "query, names",
    [
        ("Кузнецову", {"Кузнецов", "Кузнецова"}),
        ("Кузнецовой", {"Кузнецов", "Кузнецова"}),
        ("Ивановым", {"Иванов"}),
        ("Фёдоровой", {"Фёдорова"}),
        ("Сергею Иванову", {"Иванов"}),
        ("главным специалистом", {"Фёдорова"}),
    ],
)
def test_declined_names_find_the_person(people, query, names):
    assert found(people, query) == names


def test_a_name_as_typed_is_not_widened_by_its_stem(people):
    """«Иванов» stems to «иван»: a first name. The exact surname finds only its owner,
    not Петров Иван Петрович."""
    assert found(people, "Иванов") == {"Иванов"}
    assert found(people, "Кузнецов") == {"Кузнецов", "Кузнецова"}


def test_every_term_must_be_met(people):
    assert found(people, "Кузнецовой 576-44-03") == {"Кузнецова"}
    assert found(people, "Кузнецова 307") == set()
    assert found(people, "") == {"Фёдорова", "Кузнецов", "Кузнецова", "Иванов", "Петров",
                                 "Алешина"}  # fmt: skip


def test_the_stored_text_follows_a_change_of_phone_and_name(people):
    profile = StaffProfile.objects.get(user__username="ivanov")
    profile.phone = "+7 (812) 590-00-00"
    profile.save(update_fields=["phone"])
    assert found(people, "590-00-00") == {"Иванов"}
    assert found(people, "577-10-10") == set()
    user = profile.user
    user.last_name = "Семёнов"
    user.save()
    assert found(people, "Семенову") == {"Семёнов"}


# --- the page ------------------------------------------------------------------------


@pytest.fixture
def reader_client(client, org):
    client.login(username="reader", password=DEMO_PASSWORD)
    return client


def _directory(client, **params) -> str:
    response = client.get("/staff/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_directory_page_finds_without_yo_by_phone_and_declined(reader_client):
    fedorova = StaffProfile.objects.get(user__last_name="Фёдорова")
    assert fedorova.phone, "the demo gives her a phone"
    local = fedorova.phone.split(") ")[1]  # «539-40-12»
    queries = ["Федорова", "Фёдоровой", fedorova.phone, local, local.replace("-", "")]
    for query in queries:
        html = _directory(reader_client, q=query)
        assert "Фёдорова Анна Михайловна" in html, query
        assert "Морозова Ирина Павловна" not in html, query


def test_directory_page_search_within_a_unit(reader_client):
    oki = Unit.objects.get(short_name="ОКИ")
    html = _directory(reader_client, q="Морозовой", unit=oki.pk)
    assert "Морозова Ирина Павловна" in html
    other = Unit.objects.exclude(pk=oki.pk).filter(staff__isnull=False).first()
    html = _directory(reader_client, q="Морозовой", unit=other.pk)
    assert "Морозова Ирина Павловна" not in html
    assert "Никого не найдено." in html


def test_directory_page_phones_are_tel_links(reader_client):
    html = _directory(reader_client)
    fedorova = StaffProfile.objects.get(user__last_name="Фёдорова")
    digits = re.sub(r"\D", "", fedorova.phone)
    assert f'<a href="tel:+{digits}">{fedorova.phone}</a>' in html
    # Each person is a row that narrow screens show as a card, with its own stylesheet.
    assert "intranet/staff_directory.css" in html
    assert html.count('class="staff-person"') == StaffProfile.objects.directory().count()
    assert "ФИО, должность, кабинет или телефон" in html
