"""Internal notes on a case: written by the staff who see the case as staff, shown on
the staff timeline only (a CaseEvent of kind NOTE, never visible to the client: not on
the client's page, in the client's API, in letters or in anything made for the client).

A note may mention colleagues: ``@login`` or ``@Surname``. Each mention must name one
active colleague who may open the case as staff (permissions.can_handle); otherwise the
note is refused with the reason, and the text stays in the form to be corrected. The
mentioned users are kept on the note's event (``data["mentions"]``, their keys), for
whatever tells them about it."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from cases import limits, permissions
from cases.models import Case, CaseEvent, EventKind
from cases.services.common import _lock, _record
from intranet.security import client_text

# "@" at the start or after a space or punctuation (not inside an e-mail address), then a
# login or a surname: letters, digits, ".", "-" and "_" (a final dot ends the sentence).
MENTION = re.compile(r"(?<![\w@.])@(\w[\w.\-]*)")
MAX_MENTIONS = 10


def mention_names(text: str) -> list[str]:
    """The names mentioned in `text`, in order, each once (case-insensitively)."""
    names: dict[str, str] = {}
    for match in MENTION.finditer(text or ""):
        name = match.group(1).rstrip(".-")
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())


def resolve_mentions(case: Case, text: str) -> list:
    """The colleagues mentioned in `text`: each name a login, or else a surname of one
    colleague who may open `case` (of several namesakes only those who may). Raises a
    ValidationError on the note's text naming every mention that does not resolve."""
    names = mention_names(text)
    if not names:
        return []
    if len(names) > MAX_MENTIONS:
        raise ValidationError(
            {
                "text": _("Mention at most %(count)d colleagues in one note.")
                % {"count": MAX_MENTIONS}
            }
        )
    condition = Q()
    for name in names:
        condition |= Q(username__iexact=name) | Q(last_name__iexact=name)
    people = list(get_user_model().objects.filter(condition, is_active=True).order_by("pk"))
    found, errors = [], []
    for name in names:
        key = name.casefold()
        by_login = [p for p in people if p.username.casefold() == key]
        candidates = by_login or [p for p in people if p.last_name.casefold() == key]
        if not candidates:
            errors.append(_("@%(name)s: no colleague has this login or surname.") % {"name": name})
            continue
        allowed = [p for p in candidates if permissions.can_handle(p, case)]
        if not allowed and len(candidates) == 1:
            errors.append(
                _("@%(name)s: %(person)s cannot open this case, so cannot be mentioned in it.")
                % {"name": name, "person": candidates[0].get_full_name()}
            )
        elif not allowed:
            errors.append(
                _("@%(name)s: no colleague with this surname can open this case.") % {"name": name}
            )
        elif len(allowed) > 1:
            errors.append(
                _(
                    "@%(name)s: several colleagues with this surname may open the case "
                    "(%(people)s); write the login instead."
                )
                % {
                    "name": name,
                    "people": ", ".join(f"@{p.username} — {p.get_full_name()}" for p in allowed),
                }
            )
        elif allowed[0] not in found:
            found.append(allowed[0])
    if errors:
        raise ValidationError({"text": errors})
    return found


@transaction.atomic
def add_note(case: Case, by, *, text: str, at: dt.datetime | None = None) -> CaseEvent:
    """An internal note on `case` by `by`, with its mentions resolved (resolve_mentions):
    on the staff timeline only."""
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_write_note(by, case):
        raise PermissionDenied
    text = client_text(text)
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    limits.comment(text)
    mentioned = resolve_mentions(case, text)
    with translation.override(settings.LANGUAGE_CODE):
        return _record(case, EventKind.NOTE, by, text, visible=False, from_status=case.status,
                       at=at, data={"mentions": [person.pk for person in mentioned]})  # fmt: skip
