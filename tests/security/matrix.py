"""The permission matrix: who may open what, as data.

Each row is a URL name (Django's `namespace:name`; DRF format-suffix twins share a row)
with the object it is opened on, and the outcome for every demo role and for anonymous:

    ok     the page or endpoint answers 2xx
    login  redirect to the sign-in page (anonymous)
    no     refused: 403, or 404 where the existence of the object is itself a secret
    away   redirect elsewhere (e.g. a client sent to their own portal page)
    405    the URL takes another method only (POST endpoints opened with GET)

Objects (made by `seed_demo`, found by their subjects in `OBJECTS` below):

    own      a case of `client`, unit ОДС, executor `executor`
    other    a case of `client2`, unit ОДС, executor `executor` (another client's)
    conf     a confidential case of `client2`, unit ОКИ, executor `executor2`
    oki      a case of unit ОКИ with no client (another unit's, for ОДС staff)
    attachment, answer_file, body_request  made by the test on `own` / `other`
    extension_ask  an executor's request for more time on `own` (the head's decision URL)
    notification  a notification of `executor` about `own` (made by the test)
    delivery the first demo delivery (not an acknowledgement); article the first live KB article
    ack_sheet  an acknowledgement sheet of the ОДС instruction «Как представить справку…»
             assigned by `head` to `reader`; ack_article its article (made by the test)
    letter   an outgoing letter to the client on `own`; conf_letter the same on `conf`;
             body_letter a covering letter to another body on `own` (made by the test)

`method="post"` rows are POST-only URLs, posted with an empty form: a refused role must be
refused before anything else; allowed roles get the form's own answer (400, or a redirect
back with the errors). Allowed POSTs with real data are tested with their features.

Adding a URL: add its row here (the test `test_every_url_has_a_row` fails until you do).
To see what the app does now, run
`MATRIX_DUMP=1 .venv/bin/pytest -p no:xdist tests/security/test_permission_matrix.py -k rows -s`
and review each cell before copying it: the table is a statement of policy, not a snapshot.
"""

ROLES = [
    "anonymous",
    "reader",
    "client",
    "client2",
    "registrar",
    "executor",
    "executor2",
    "editor",
    "head",
    "head2",
    "chief",
    "admin",
]

# Subject prefixes of demo cases (cases/demo.py).
OBJECTS = {
    "own": "Нужно ли указывать кешбэк",
    "other": "Доход от продажи автомобиля",
    "conf": "Склонение к совершению коррупционного",
    "oki": "Подарок на юбилей от подрядчика",
}

# URL names that are not pages of the product (Wagtail's page server and its helpers,
# the documents server) or that are covered elsewhere: the admin by the sweep in
# test_permission_matrix.py, Wagtail pages and documents by the KB view tests.
NOT_IN_MATRIX = {
    "wagtail_serve",
    "wagtailcore_authenticate_with_password",
    "wagtailcore_login",
    "wagtaildocs_serve",
    "wagtaildocs_authenticate_with_password",
    # Takes a unit and a computed gap key: refused to other units' editors and created in
    # the unit's own section, tested in tests/consultations/test_gap_actions.py.
    "gaps:faq",
}

# Wagtail admin URLs every visitor may open: signing in, password reset (mail to the
# account's own address), the icon sprite and the JavaScript translations.
ADMIN_PUBLIC = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}


def row(spec: str) -> dict[str, str]:
    """'ok ok no ...' in ROLES order -> {role: outcome}."""
    cells = spec.split()
    assert len(cells) == len(ROLES), spec
    return dict(zip(ROLES, cells, strict=True))


# (url name, object or None, methods): outcomes in ROLES order
#   anonymous reader client client2 registrar executor executor2 editor head head2 chief admin
MATRIX: dict[tuple[str, str | None], dict] = {}


def add(name, obj, spec, method="get"):
    MATRIX[(name, obj)] = {"method": method, "expect": row(spec)}


def post(name, obj, spec):
    add(name, obj, spec, method="post")


# Reviewed 23.11.2026 against DESIGN.md's roles. Notes on cells that are not plain ok/no:
# - `400` on an API/portal POST: the role may act on the case but the empty form is
#   invalid. A role that may see the case but not act gets `no` (403) before its body is
#   validated (cases.api.CaseViewSet._case_for); the service layer checks again, and
#   tests/cases/test_permissions.py posts valid data from the refused side. `case-reply`
#   and `case-rate` are the client's own acts: anyone else gets 403.
# - `conf` (confidential, ОКИ): only its client, its executor (executor2) and the head of
#   ОКИ (head2); not the department head (chief) nor administrators.
# - `editor` is also an executor of ОДС in the demo, hence its case rows.
# fmt: off
add("health", None, "ok ok ok ok ok ok ok ok ok ok ok ok")
add("favicon", None, "away away away away away away away away away away away away")
add("login", None, "ok ok ok ok ok ok ok ok ok ok ok ok")
post("logout", None, "login login login login login login login login login login login login")
add("wagtailapi:kb:listing", None, "ok ok ok ok ok ok ok ok ok ok ok ok")
add("wagtailapi:kb:find", None, "no no no no no no no no no no no no")
add("api-schema", None, "ok ok ok ok ok ok ok ok ok ok ok ok")
add("api-docs", None, "ok ok ok ok ok ok ok ok ok ok ok ok")
add("search_api:search", None, "login ok ok ok ok ok ok ok ok ok ok ok")
add("search_api:suggest", None, "login ok ok ok ok ok ok ok ok ok ok ok")
add("case-list", None, "no ok ok ok ok ok ok ok ok ok ok ok")
post("case-register", None, "no no no no 400 no no no no no no 400")
add("api-root", None, "no ok ok ok ok ok ok ok ok ok ok ok")
add("cases:workspace", None, "login away away away ok ok ok ok ok ok ok ok")
add("cases:new", None, "login ok ok ok ok ok ok ok ok ok ok ok")
add("cases:mine", None, "login ok ok ok ok ok ok ok ok ok ok ok")
add("cases:question_suggestions", None, "login ok ok ok ok ok ok ok ok ok ok ok")
add("cases:suggestion_open", "article",
    "login away away away away away away away away away away away")
add("cases:register", None, "login no no no ok no no no no no no ok")
# The queue's tools: the registrar's client autocomplete (names and addresses: only who
# registers); the export of the queue (what the workspace shows, to its users); bulk
# routing (registrars and heads; an empty form is sent back to the queue with its
# errors); saved filters (each person's own: another's is a 404).
add("cases:client_lookup", None, "login no no no ok no no no no no no ok")
add("cases:export", "csv", "login no no no ok ok ok ok ok ok ok ok")
add("cases:export", "xlsx", "login no no no ok ok ok ok ok ok ok ok")
post("cases:bulk_assign", None, "login no no no away no no no away away away away")
post("cases:save_filter", None, "login no no no away away away away away away away away")
post("cases:delete_filter", "saved_filter", "login no no no no no no no away no no no")
add("search:page", None, "ok ok ok ok ok ok ok ok ok ok ok ok")
add("search:api", None, "login ok ok ok ok ok ok ok ok ok ok ok")
add("search:suggest", None, "login ok ok ok ok ok ok ok ok ok ok ok")
# A result link of the search page: on to the result for whoever may open it (anonymous
# visitors: public articles only; the first article is internal), else 404.
add("search:open", "article", "no away away away away away away away away away away away")
# The readout of searches: the editors and heads of units (their units' rows) and
# administrators (all rows).
add("search:readout", None, "login no no no no no no ok ok ok ok ok")
add("case-detail", "own", "no no ok no ok ok no ok ok no ok ok")
add("case-detail", "other", "no no no ok ok ok no ok ok no ok ok")
add("case-detail", "conf", "no no no ok no no ok no no ok no no")
add("case-detail", "oki", "no no no no ok no ok no no ok ok ok")
post("case-answer", "own", "no no no no no 400 no no 400 no 400 no")
post("case-answer", "other", "no no no no no 400 no no 400 no 400 no")
post("case-answer", "conf", "no no no no no no 400 no no 400 no no")
post("case-answer", "oki", "no no no no no no 400 no no 400 400 no")
post("case-assign", "own", "no no no no 400 no no no 400 no 400 400")
post("case-assign", "other", "no no no no 400 no no no 400 no 400 400")
post("case-assign", "conf", "no no no no no no no no no 400 no no")
post("case-assign", "oki", "no no no no 400 no no no no 400 400 400")
post("case-clarify", "own", "no no no no no 400 no no 400 no 400 no")
post("case-clarify", "other", "no no no no no 400 no no 400 no 400 no")
post("case-clarify", "conf", "no no no no no no 400 no no 400 no no")
post("case-clarify", "oki", "no no no no no no 400 no no 400 400 no")
add("case-deliveries", "own", "no no no no ok ok no ok ok no ok ok")
add("case-deliveries", "other", "no no no no ok ok no ok ok no ok ok")
add("case-deliveries", "conf", "no no no no no no ok no no ok no no")
add("case-deliveries", "oki", "no no no no ok no ok no no ok ok ok")
post("case-delivery-act", "own", "no no no no 400 400 no no 400 no 400 400")
post("case-delivery-act", "other", "no no no no 400 400 no no 400 no 400 400")
post("case-delivery-act", "conf", "no no no no no no 400 no no 400 no no")
post("case-delivery-act", "oki", "no no no no 400 no 400 no no 400 400 400")
post("case-extend", "own", "no no no no no no no no 400 no 400 no")
post("case-extend", "other", "no no no no no no no no 400 no 400 no")
post("case-extend", "conf", "no no no no no no no no no 400 no no")
post("case-extend", "oki", "no no no no no no no no no 400 400 no")
post("case-forward", "own", "no no no no 400 400 no no 400 no 400 400")
post("case-forward", "other", "no no no no 400 400 no no 400 no 400 400")
post("case-forward", "conf", "no no no no no no 400 no no 400 no no")
post("case-forward", "oki", "no no no no 400 no 400 no no 400 400 400")
post("case-rate", "own", "no no 400 no no no no no no no no no")
post("case-rate", "other", "no no no 400 no no no no no no no no")
post("case-rate", "conf", "no no no 400 no no no no no no no no")
post("case-rate", "oki", "no no no no no no no no no no no no")
post("case-register-answer", "own", "no no no no 400 400 no no 400 no 400 400")
post("case-register-answer", "other", "no no no no 400 400 no no 400 no 400 400")
post("case-register-answer", "conf", "no no no no no no 400 no no 400 no no")
post("case-register-answer", "oki", "no no no no 400 no 400 no no 400 400 400")
post("case-reply", "own", "no no 400 no no no no no no no no no")
post("case-reply", "other", "no no no 400 no no no no no no no no")
post("case-reply", "conf", "no no no 400 no no no no no no no no")
post("case-reply", "oki", "no no no no no no no no no no no no")
post("case-request-documents", "own", "no no no no no 400 no no 400 no 400 no")
post("case-request-documents", "other", "no no no no no 400 no no 400 no 400 no")
post("case-request-documents", "conf", "no no no no no no 400 no no 400 no no")
post("case-request-documents", "oki", "no no no no no no 400 no no 400 400 no")
post("case-review", "own", "no no no no no no no no 400 no 400 no")
post("case-review", "other", "no no no no no no no no 400 no 400 no")
post("case-review", "conf", "no no no no no no no no no 400 no no")
post("case-review", "oki", "no no no no no no no no no 400 400 no")
post("case-urgency", "own", "no no no no ok no no no ok no ok ok")
post("case-urgency", "other", "no no no no ok no no no ok no ok ok")
post("case-urgency", "conf", "no no no no no no no no no ok no no")
post("case-urgency", "oki", "no no no no ok no no no no ok ok ok")
add("cases:client_detail", "own", "login no ok no no no no no no no no no")
add("cases:client_detail", "other", "login no no ok no no no no no no no no")
add("cases:client_detail", "conf", "login no no ok no no no no no no no no")
add("cases:client_detail", "oki", "login no no no no no no no no no no no")
add("cases:detail", "own", "login no away no ok ok no ok ok no ok ok")
add("cases:detail", "other", "login no no away ok ok no ok ok no ok ok")
add("cases:detail", "conf", "login no no away no no ok no no ok no no")
add("cases:detail", "oki", "login no no no ok no ok no no ok ok ok")
post("cases:urgency", "own", "login no no no 400 no no no 400 no 400 400")
post("cases:urgency", "other", "login no no no 400 no no no 400 no 400 400")
post("cases:urgency", "conf", "login no no no no no no no no 400 no no")
post("cases:urgency", "oki", "login no no no 400 no no no no 400 400 400")
post("cases:links", "own", "login no no no 400 no no no 400 no 400 400")
post("cases:links", "other", "login no no no 400 no no no 400 no 400 400")
post("cases:links", "conf", "login no no no no no no no no 400 no no")
post("cases:links", "oki", "login no no no 400 no no no no 400 400 400")
post("cases:assign", "own", "login no no no 400 no no no 400 no 400 400")
post("cases:assign", "other", "login no no no 400 no no no 400 no 400 400")
post("cases:assign", "conf", "login no no no no no no no no 400 no no")
post("cases:assign", "oki", "login no no no 400 no no no no 400 400 400")
post("cases:answer", "own", "login no 400 no 400 400 no 400 400 no 400 400")
post("cases:answer", "other", "login no no 400 400 400 no 400 400 no 400 400")
post("cases:answer", "conf", "login no no 400 no no 400 no no 400 no no")
post("cases:answer", "oki", "login no no no 400 no 400 no no 400 400 400")
post("cases:insert_typical", "own", "login no no no no no no no no no no no")
post("cases:insert_typical", "other", "login no no no no no no no no no no no")
post("cases:insert_typical", "conf", "login no no no no no no no no no no no")
post("cases:insert_typical", "oki", "login no no no no no no no no no no no")
post("cases:review", "own", "login no no no no no no no 400 no 400 no")
post("cases:review", "other", "login no no no no no no no 400 no 400 no")
post("cases:review", "conf", "login no no no no no no no no 400 no no")
post("cases:review", "oki", "login no no no no no no no no 400 400 no")
post("cases:register_answer", "own", "login no no no away away no no away no away away")
post("cases:register_answer", "other", "login no no no away away no no away no away away")
post("cases:register_answer", "conf", "login no no no no no away no no away no no")
post("cases:register_answer", "oki", "login no no no away no away no no away away away")
post("cases:clarify", "own", "login no 400 no 400 400 no 400 400 no 400 400")
post("cases:clarify", "other", "login no no 400 400 400 no 400 400 no 400 400")
post("cases:clarify", "conf", "login no no 400 no no 400 no no 400 no no")
post("cases:clarify", "oki", "login no no no 400 no 400 no no 400 400 400")
post("cases:extend", "own", "login no 400 no 400 400 no 400 400 no 400 400")
post("cases:extend", "other", "login no no 400 400 400 no 400 400 no 400 400")
post("cases:extend", "conf", "login no no 400 no no 400 no no 400 no no")
post("cases:extend", "oki", "login no no no 400 no 400 no no 400 400 400")
post("cases:extension_request", "own", "login no no no no 400 no no 400 no 400 no")
post("cases:extension_request", "other", "login no no no no 400 no no 400 no 400 no")
post("cases:extension_request", "conf", "login no no no no no 400 no no 400 no no")
post("cases:extension_request", "oki", "login no no no no no 400 no no 400 400 no")
post("cases:forward", "own", "login no 400 no 400 400 no 400 400 no 400 400")
post("cases:forward", "other", "login no no 400 400 400 no 400 400 no 400 400")
post("cases:forward", "conf", "login no no 400 no no 400 no no 400 no no")
post("cases:forward", "oki", "login no no no 400 no 400 no no 400 400 400")
post("cases:request_documents", "own", "login no 400 no 400 400 no 400 400 no 400 400")
post("cases:request_documents", "other", "login no no 400 400 400 no 400 400 no 400 400")
post("cases:request_documents", "conf", "login no no 400 no no 400 no no 400 no no")
post("cases:request_documents", "oki", "login no no no 400 no 400 no no 400 400 400")
post("cases:client_reply", "own", "login no 400 no no no no no no no no no")
post("cases:client_reply", "other", "login no no 400 no no no no no no no no")
post("cases:client_reply", "conf", "login no no 400 no no no no no no no no")
post("cases:client_reply", "oki", "login no no no no no no no no no no no")
post("cases:rate", "own", "login no 400 no no no no no no no no no")
post("cases:rate", "other", "login no no 400 no no no no no no no no")
post("cases:rate", "conf", "login no no 400 no no no no no no no no")
post("cases:rate", "oki", "login no no no no no no no no no no no")
add("wagtailapi:kb:detail", "article", "no ok ok ok ok ok ok ok ok ok ok ok")
post("kb:feedback", "article", "login away away away away away away away away away away away")
# Acknowledgement sheets (kb.acknowledgements): the heads of units owning KB sections and
# administrators keep them (the department's chief heads no section); a sheet is its
# article's unit head's (ОДС: head) and administrators'; only an assignee (reader, on
# `ack_sheet`) confirms, internal clients never.
add("acknowledgements:index", None, "login no no no no no no no ok ok no ok")
add("acknowledgements:new", None, "login no no no no no no no ok ok no ok")
add("acknowledgements:sheet", "ack_sheet", "login no no no no no no no ok no no ok")
post("acknowledgements:confirm", "ack_article", "login away no no no no no no no no no no")
# Following an article or a section (kb.following): whoever may read the page; the
# empty POST toggles and goes back to the page. The list is each person's own.
post("kb:follow", "article", "login away away away away away away away away away away away")
add("kb:following", None, "login ok ok ok ok ok ok ok ok ok ok ok")
# The register of legal acts, an act's page and the topic and tag listings: open to
# everybody (legal acts are public), each listing only the articles the visitor may open.
add("kb:acts", None, "ok ok ok ok ok ok ok ok ok ok ok ok")
add("kb:act", "legal_act", "ok ok ok ok ok ok ok ok ok ok ok ok")
add("kb:topic", "topic", "ok ok ok ok ok ok ok ok ok ok ok ok")
add("kb:tag", "tag", "ok ok ok ok ok ok ok ok ok ok ok ok")
# The department overview: the department head (chief) and administrators only.
add("kb:overview", None, "login no no no no no no no no no ok ok")
# «Mark as reviewed» on the first article (ОМП's): its unit's editors and head, the
# department head and administrators; nobody else (editor is ОДС's, head ОДС's).
post("kb:mark_reviewed", "article", "login no no no no no no no no no away away")
add("cases:attachment", "attachment", "login no ok no ok ok no ok ok no ok ok")
add("cases:answer_attachment", "answer_file", "login no no no ok ok no ok ok no ok ok")
post("cases:delivery", "delivery", "login no no no 400 no 400 no no 400 400 400")
add("cases:delivery_print", "delivery", "login no no no ok no ok no no ok ok ok")
# A letter's PDF: the staff who see the case as staff (as cases:detail; its client is
# not sent to the staff page but refused); the client downloads the letters addressed
# to them on their own case, never a letter to another body.
add("cases:letter_pdf", "letter", "login no no no ok ok no ok ok no ok ok")
add("cases:letter_pdf", "conf_letter", "login no no no no no ok no no ok no no")
add("cases:client_letter_pdf", "letter", "login no ok no no no no no no no no no")
add("cases:client_letter_pdf", "conf_letter", "login no no ok no no no no no no no no")
add("cases:client_letter_pdf", "body_letter", "login no no no no no no no no no no no")
post("cases:forward_request", "own", "login no no no no 400 no no 400 no 400 no")
post("cases:forward_request", "other", "login no no no no 400 no no 400 no 400 no")
post("cases:forward_request", "conf", "login no no no no no 400 no no 400 no no")
post("cases:forward_request", "oki", "login no no no no no 400 no no 400 400 no")
post("cases:note", "own", "login no no no 400 400 no 400 400 no 400 400")
post("cases:note", "other", "login no no no 400 400 no 400 400 no 400 400")
post("cases:note", "conf", "login no no no no no 400 no no 400 no no")
post("cases:note", "oki", "login no no no 400 no 400 no no 400 400 400")
# The approvals queue: heads of units (their units' requests and answers).
add("cases:approvals", None, "login no no no no no no no ok ok ok no")
post("cases:decide_request", "extension_ask", "login no no no no no no no 400 no 400 no")
post("cases:body_reply", "body_request", "login no no no away away no no away no away away")
post("case-withdraw", "own", "no no ok no no no no no no no no no")
post("case-withdraw", "other", "no no no ok no no no no no no no no")
post("case-withdraw", "conf", "no no no ok no no no no no no no no")
post("case-withdraw", "oki", "no no no no no no no no no no no no")
post("cases:client_supplement", "own", "login no 400 no no no no no no no no no")
post("cases:client_supplement", "other", "login no no 400 no no no no no no no no")
post("cases:client_supplement", "conf", "login no no 400 no no no no no no no no")
post("cases:client_supplement", "oki", "login no no no no no no no no no no no")
post("cases:withdraw", "own", "login no away no no no no no no no no no")
post("cases:withdraw", "other", "login no no away no no no no no no no no")
post("cases:withdraw", "conf", "login no no away no no no no no no no no")
post("cases:withdraw", "oki", "login no no no no no no no no no no no")
# fmt: on
# Quality review (cases.quality): heads of the case's unit (and the department head, who
# heads the units below); a confidential case only its unit's own head; every signed-in
# user has a (possibly empty) list of reviews of their own answers.
# fmt: off
add("quality:queue", None, "login no no no no no no no ok ok ok no")
add("quality:settings", None, "login no no no no no no no ok ok ok no")
add("quality:mine", None, "login ok ok ok ok ok ok ok ok ok ok ok")
add("quality:review", "own", "login no no no no no no no ok no ok no")
add("quality:review", "conf", "login no no no no no no no no ok no no")
add("quality:review", "oki", "login no no no no no no no no ok ok no")
post("quality:rework_done", "review", "login no no no no away no no no no no no")
# fmt: on
# The consultation line (cases.consultations): the staff who use the cases desk.
# fmt: off
add("consultations:log", None, "login no no no ok ok ok ok ok ok ok ok")
add("consultations:suggest", None, "login no no no ok ok ok ok ok ok ok ok")
# Knowledge gaps: the KB editors and heads of the units the questions' topics belong to.
add("gaps:list", None, "login no no no no no no ok ok ok ok no")
# fmt: on
# Case files and retention (cases.retention): registrars manage, heads approve acts.
# fmt: off
add("retention:index", None, "login no no no ok no no no ok ok ok ok")
post("retention:draft", "case_file", "login no no no away no no no no no no away")
post("retention:approve", "act", "login no no no no no no no away away away no")
post("retention:execute", "act", "login no no no away no no no no no no away")
# fmt: on
# Reports (cases.reports): heads for their units, the department head and administrators
# for all units.
add("reports:report", None, "login no no no no no no no ok ok ok ok")
# Personal reception (cases.reception): every member of staff books (as on the portal);
# a booking is changed by its client or a registrar (anybody else: not found); the day's
# list and the reception cards are for the staff who receive visitors (registrars,
# executors, heads), not for clients or readers. `booking` is a future booking of
# `client`; POSTs without the shown time are refused as incomplete (400).
# fmt: off
add("reception:points", None, "login ok ok ok ok ok ok ok ok ok ok ok")
add("reception:book", "point", "login ok ok ok ok ok ok ok ok ok ok ok")
add("reception:mine", None, "login ok ok ok ok ok ok ok ok ok ok ok")
add("reception:day", None, "login no no no ok ok ok ok ok ok ok ok")
add("reception:day_print", None, "login no no no ok ok ok ok ok ok ok ok")
add("reception:card", "booking", "login no no no ok ok ok ok ok ok ok ok")
add("reception:reschedule", "booking", "login no ok no ok no no no no no no ok")
post("reception:cancel", "booking", "login no 400 no 400 no no no no no no 400")
post("reception:reminded", "booking", "login no no no 400 no no no no no no 400")
# fmt: on
# Notifications (intranet.notifications): everybody signed in has their own list and
# marks their own read; a notification opens (and goes to its case) for its recipient
# only: anybody else gets 404.
# fmt: off
add("notifications", None, "login ok ok ok ok ok ok ok ok ok ok ok")
add("notification_open", "notification", "login no no no no away no no no no no no")
post("notifications_read_all", None, "login away away away away away away away away away away away")
# fmt: on
