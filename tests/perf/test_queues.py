"""The staff workspace and the client's list run a bounded number of SQL queries,
whatever the page holds: the executor's, the head's and the registrar's default queues
(50 per page, by deadline), every queue, the filters and the sorts, the API list and
"my questions"."""

import pytest
from django.urls import reverse

from tests.perf.conftest import assert_bounded, measure, signed_in

pytestmark = pytest.mark.django_db

# The queue's tools (issue 20) added three fixed queries: the tabs' counts (one aggregate),
# the user's saved filters and, for registrars and heads, the bulk action bar's people.
WORKSPACE_CEILING = 27


def _make(make_case, count, start=0):
    """Cases in every queue the roles look at: unassigned (registered), assigned to the
    executor, co-executed by the editor, in the head's unit, urgent, overdue, due
    tomorrow, withdrawn."""
    import datetime as dt

    from django.utils import timezone

    from cases import services
    from cases.models import Case

    today = timezone.localdate()
    for i in range(start, start + count):
        case = make_case(
            state="assigned" if i % 2 else "registered",
            subject=f"Вопрос {i}",
            co_executors=["editor"] if i % 3 == 0 else (),
            executor="executor" if i % 4 == 1 or i % 3 == 0 else "editor",
            urgent=i % 5 == 1,
        )
        if i % 7 == 3:
            Case.objects.filter(pk=case.pk).update(due_date=today - dt.timedelta(days=2))
        elif i % 7 == 1:
            Case.objects.filter(pk=case.pk).update(due_date=today + dt.timedelta(days=1))
        elif i % 7 == 5:
            services.withdraw(case, case.client)


def _measure_all(make_case, variants, clients, few_count, more_count):
    """Each (name, username, url) variant measured on `few_count` cases, then on
    `more_count` more (one data set for all the variants: building the cases is most of
    such a test's time)."""
    _make(make_case, few_count)
    few = {}
    for name, username, url in variants:
        clients[username].get(url)  # warm the per-process caches (content types, site)
        few[name] = measure(clients[username], url)
    _make(make_case, more_count, start=few_count)
    return [(name, few[name], measure(clients[username], url)) for name, username, url in variants]


WORKSPACE_ROLES = ["registrar", "head", "executor", "chief"]


def test_workspace_queries_do_not_grow_with_the_page(org, make_case, subtests):
    """Each staff role's view of all cases, 50 per page."""
    url = reverse("cases:workspace") + "?queue=all"
    variants = [(username, username, url) for username in WORKSPACE_ROLES]
    clients = signed_in(org.users, WORKSPACE_ROLES)
    for username, few, many in _measure_all(make_case, variants, clients, 5, 20):
        with subtests.test(msg=username):
            assert many.response.context["page"].paginator.per_page == 50
            assert len(many.response.context["page"].object_list) > len(
                few.response.context["page"].object_list
            )
            assert_bounded(few, many, ceiling=WORKSPACE_CEILING)


DEFAULT_QUEUES = [("executor", "mine"), ("head", "unit"), ("registrar", "unassigned")]


def test_default_queue_of_each_role_by_deadline(org, make_case, subtests):
    """What each role sees first on /cases/: its default queue, sorted by deadline."""
    from cases.filters import default_queue

    for username, queue in DEFAULT_QUEUES:
        assert default_queue(org.users[username]) == queue
    url = reverse("cases:workspace")
    variants = [(username, username, url) for username, _queue in DEFAULT_QUEUES]
    clients = signed_in(org.users, [username for username, _queue in DEFAULT_QUEUES])
    queues = dict(DEFAULT_QUEUES)
    for username, few, many in _measure_all(make_case, variants, clients, 3, 14):
        with subtests.test(msg=username):
            shown = len(many.response.context["page"].object_list)
            assert many.response.context["queue"] == queues[username]
            assert many.response.context["sort"] == "due_date"
            assert shown > len(few.response.context["page"].object_list)
            assert_bounded(few, many, ceiling=WORKSPACE_CEILING)


FILTERS_AND_SORTS = [
    "queue=unit&received_from=2020-01-01&received_to=2099-12-31",
    "queue=all&executor={executor}&status=assigned&status=registered",
    "queue=all&unit={unit}&urgency=urgent&sort=-due_date",
    "queue=urgent",
    "queue=due_soon",
    "queue=overdue",
    "queue=closed&sort=received_at",
    "queue=mine&sort=-received_at&as=executor",
]


def test_filters_and_sorts_do_not_grow(org, make_case, subtests):
    variants = []
    for spec in FILTERS_AND_SORTS:
        query, _as, username = spec.partition("&as=")
        query = query.format(executor=org.executor.pk, unit=org.units["ОДС"].pk)
        variants.append((spec, username or "head", reverse("cases:workspace") + "?" + query))
    clients = signed_in(org.users, {username for _spec, username, _url in variants})
    for spec, few, many in _measure_all(make_case, variants, clients, 7, 14):
        with subtests.test(msg=spec):
            rows = len(few.response.context["page"].object_list)
            assert 0 < rows < len(many.response.context["page"].object_list), "fills up"
            assert_bounded(few, many, ceiling=WORKSPACE_CEILING)


def test_filter_lists_do_not_grow_with_the_staff(org, make_case, subtests):
    """The unit and executor filters read one query each, however many people they list
    (the executor list once built a user per option, through a server-side cursor)."""
    from django.contrib.auth.models import Group

    from intranet import roles
    from intranet.accounts.models import User
    from intranet.models import StaffProfile

    def hire(count, start):
        executors = Group.objects.get(name=roles.EXECUTORS)
        for i in range(start, start + count):
            user = User.objects.create(username=f"staff{i}", last_name=f"Сотрудник{i}")
            user.groups.add(executors)
            unit = org.units["ОДС" if i % 2 else "ОКИ"]
            StaffProfile.objects.update_or_create(user=user, defaults={"unit": unit})

    usernames = ["chief", "head", "executor", "registrar"]
    clients = signed_in(org.users, usernames)
    url = reverse("cases:workspace") + "?queue=all"
    _make(make_case, 3)
    hire(2, 0)
    few = {}
    for username in usernames:
        clients[username].get(url)
        few[username] = measure(clients[username], url)
    hire(40, 2)
    for username in usernames:
        with subtests.test(msg=username):
            many = measure(clients[username], url)
            options = few[username].response.content.count(b"<option")
            assert many.response.content.count(b"<option") > options
            assert_bounded(few[username], many, ceiling=WORKSPACE_CEILING)


def test_received_period_filter_keeps_its_meaning(client, org, make_case):
    """The period filter compares moments (index-friendly) and still means whole days
    in Moscow time: a case received at 00:30 on the 2nd is in "from the 2nd" and not in
    "to the 1st"."""
    import datetime as dt

    from cases.models import Case
    from tests.cases.conftest import moscow

    case = make_case(state="assigned")
    Case.objects.filter(pk=case.pk).update(received_at=moscow(2026, 3, 2, 0, 30))
    client.force_login(org.head)
    url = reverse("cases:workspace")

    def shown(**period):
        response = client.get(url, {"queue": "all", **period})
        return [c.pk for c in response.context["page"].object_list]

    assert shown(received_from="2026-03-02") == [case.pk]
    assert shown(received_to="2026-03-02") == [case.pk]
    assert shown(received_to="2026-03-01") == []
    assert shown(received_from="2026-03-03") == []
    assert dt.date(2026, 3, 2) == moscow(2026, 3, 2, 0, 30).date()


def test_mine_queue_lists_executed_and_co_executed_open_cases(client, org, make_case):
    from cases import services

    executed = make_case(state="assigned", executor="executor")
    co_executed = make_case(state="assigned", executor="editor", co_executors=["executor"])
    withdrawn = make_case(state="assigned", executor="editor", co_executors=["executor"])
    services.withdraw(withdrawn, org.client)
    make_case(state="assigned", executor="editor")  # the unit's, not the executor's
    client.force_login(org.executor)
    response = client.get(reverse("cases:workspace"), {"queue": "mine"})
    assert {c.pk for c in response.context["page"].object_list} == {executed.pk, co_executed.pk}
    response = client.get(
        reverse("cases:workspace"), {"queue": "closed", "executor": org.executor.pk}
    )
    assert [c.pk for c in response.context["page"].object_list] == [withdrawn.pk]


def test_api_list_queries_do_not_grow(client, org, make_case):
    client.force_login(org.registrar)
    _make(make_case, 3)
    client.get("/api/cases/?queue=all")
    few = measure(client, "/api/cases/?queue=all")
    _make(make_case, 20, start=3)
    many = measure(client, "/api/cases/?queue=all")
    assert_bounded(few, many, ceiling=WORKSPACE_CEILING)


def test_my_questions_queries_do_not_grow(client, org, make_case):
    client.force_login(org.client)
    url = reverse("cases:mine")
    for i in range(3):
        make_case(state="assigned" if i % 2 else "registered", subject=f"Мой вопрос {i}")
    client.get(url)
    few = measure(client, url)
    for i in range(12):
        make_case(state="assigned" if i % 2 else "registered", subject=f"Ещё вопрос {i}")
    many = measure(client, url)
    assert len(many.response.context["page"].object_list) == 15
    assert_bounded(few, many, ceiling=15)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_queue_export_does_not_grow(client, org, make_case, kind):
    """The export of the filtered queue reads its rows in one query, whatever their number."""
    client.force_login(org.registrar)
    url = reverse("cases:export", args=[kind]) + "?queue=all&sort=subject"
    _make(make_case, 5)
    client.get(url)
    few = measure(client, url)
    _make(make_case, 12, start=5)
    many = measure(client, url)
    assert len(many.response.content) > len(few.response.content)
    assert_bounded(few, many, ceiling=15)
