"""Typical answers (типовые ответы): reusable texts with placeholders in braces, such as
«Уважаемый(ая) {имя_заявителя}!». The cases desk fills them when it drafts an answer.

Only plain names are placeholders (`{имя_заявителя}`); unlike str.format, nothing else in
the braces is evaluated, so an editor's text can never reach attributes of the values.

Editors write the Russian names of NAMES; the English keys the cases desk fills
(`{client_name}`) are accepted too, for texts written before the Russian names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# A name: letters (Latin or Cyrillic), digits and underscores, not starting with a digit.
PLACEHOLDER = re.compile(r"\{([^\W\d]\w*)\}")
# Any brace pair that is not a well-formed placeholder, e.g. "{имя заявителя}" or "{}".
MALFORMED = re.compile(r"\{(?![^\W\d]\w*\})[^{}]*\}?")

# The placeholders an editor writes, in Russian, and the value of the case each stands for
# (the keys of cases.services.typical_answer_values).
NAMES = {
    "имя_заявителя": "client_name",
    "номер": "registration_number",
    "дата_регистрации": "registration_date",
    "дата_поступления": "received_date",
    "дата": "date",
    "срок_ответа": "due_date",
    "тема": "subject",
    "исполнитель": "executor_name",
    "подразделение": "unit",
    "отчётный_год": "reporting_year",
}


@dataclass
class RenderedAnswer:
    text: str
    used: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def placeholders(text: str) -> list[str]:
    """Names of the placeholders in `text`, in order of first appearance."""
    seen: list[str] = []
    for name in PLACEHOLDER.findall(text or ""):
        if name not in seen:
            seen.append(name)
    return seen


def placeholder_errors(text: str) -> list[str]:
    """Human-readable problems with the braces in `text` (empty when it is fine)."""
    bad = [match.group(0) for match in MALFORMED.finditer(text or "")]
    if not bad:
        return []
    return [
        _("Placeholders are names in braces, e.g. {имя_заявителя}. Check: %(bad)s")
        % {"bad": ", ".join(dict.fromkeys(bad))}
    ]


def render(text: str, values: dict) -> RenderedAnswer:
    """Replace each `{name}` with `values[name]`. Placeholders without a value (missing
    key, None or an empty string) stay in the text as they are and are reported in
    `missing`, so that an unfinished answer cannot pass for a finished one."""
    used: list[str] = []
    missing: list[str] = []

    def substitute(match: re.Match) -> str:
        name = match.group(1)
        value = values.get(name)
        if value is None and name in NAMES:
            value = values.get(NAMES[name])
        if value is None or value == "":
            if name not in missing:
                missing.append(name)
            return match.group(0)
        if name not in used:
            used.append(name)
        return str(value)

    return RenderedAnswer(text=PLACEHOLDER.sub(substitute, text or ""), used=used, missing=missing)
