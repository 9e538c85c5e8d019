"""What a message, a comment and an answer may hold.

Limits in characters, from the settings, read at each check (so an administrator's
change applies without a restart, and a test may change them):

- ``CASES_TEXT_MAX_CHARS`` (50,000, about 20 typed pages): a message's text, a client's
  reply to a clarification, an answer's text and refusal grounds, a covering letter, an
  oral message recorded at a reception;
- ``CASES_COMMENT_MAX_CHARS`` (10,000): the client's comments to a message, a rating
  comment, a withdrawal reason, and what staff type besides (a question to the client,
  a head's comment, the reasons of a decision, the documents asked of another body).

A real question or answer stays far below them; longer documents are attached as files.
They keep one client from filling the database and the search index (docs/security.md):
the search document of a case holds at most `search.limits` bytes whatever the limits.
Refused with a Russian message that says how long the text is and may be; the form
comes back with everything typed (the API answers 400 with the message per field).
The forms (cases.forms, cases.reception.forms) and the API serializers (cases.api) use
the validators below, which drf-spectacular reads as the schema's ``maxLength``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from intranet.formatting import number

DEFAULT_TEXT_MAX_CHARS = 50_000
DEFAULT_COMMENT_MAX_CHARS = 10_000


def text_max_chars() -> int:
    return int(getattr(settings, "CASES_TEXT_MAX_CHARS", DEFAULT_TEXT_MAX_CHARS))


def comment_max_chars() -> int:
    return int(getattr(settings, "CASES_COMMENT_MAX_CHARS", DEFAULT_COMMENT_MAX_CHARS))


class LengthLimit(MaxLengthValidator):
    """At most the setting's number of characters (its current value, a callable limit
    as Django's validators and drf-spectacular accept), with a message in words."""

    message = _(
        "The text is too long: %(count)s characters, at most %(limit)s are accepted. Shorten it."
    )

    def __init__(self, limit, message=None):
        super().__init__(limit, message=message)

    def __call__(self, value):
        limit = self.limit_value() if callable(self.limit_value) else self.limit_value
        length = len(value or "")
        if length > limit:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"count": number(length), "limit": number(limit)},
            )


FILE_HINT = _(
    "The text is too long: %(count)s characters, at most %(limit)s are accepted. Shorten "
    "it, or attach a long document as a file."
)

# A message's or an answer's text where files can be attached beside it.
text_with_files = LengthLimit(text_max_chars, message=FILE_HINT)
# Other texts (a reply, grounds, a covering letter).
text = LengthLimit(text_max_chars)
# Comments and reasons.
comment = LengthLimit(comment_max_chars)
