"""Typical answers (типовые ответы): reusable texts with placeholders in braces, such as
«Уважаемый(ая) {client_name}!». The cases desk fills them when it drafts an answer.

Only plain names are placeholders (`{client_name}`); unlike str.format, nothing else in
the braces is evaluated, so an editor's text can never reach attributes of the values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Any brace pair that is not a well-formed placeholder, e.g. "{client name}" or "{}".
MALFORMED = re.compile(r"\{(?![A-Za-z_][A-Za-z0-9_]*\})[^{}]*\}?")


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
        _("Placeholders are names in braces, e.g. {client_name}. Check: %(bad)s")
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
        if value is None or value == "":
            if name not in missing:
                missing.append(name)
            return match.group(0)
        if name not in used:
            used.append(name)
        return str(value)

    return RenderedAnswer(text=PLACEHOLDER.sub(substitute, text or ""), used=used, missing=missing)
