"""Numbers written the Russian way, in pages, charts and exports alike: a decimal comma
(«86,5»), digits grouped by a non-breaking space from five digits up («12 500», but
«2026» and «1500», as Russian typography writes them), and a non-breaking space before
the per cent sign («86,5 %»). Templates use the filters `number` and `percent`
(`{% load intranet_tags %}`); Python code calls the functions below."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats

NBSP = "\u00a0"
MISSING = "—"
GROUPED_FROM = 10_000


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def number(value, digits: int | None = None) -> str:
    """`value` with `digits` places after the comma (rounded half up; None: as it is),
    "—" when there is no value."""
    amount = _decimal(value)
    if amount is None:
        return MISSING
    if digits is not None:
        amount = amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if amount == 0:
        amount = abs(amount)  # no «-0,0»
    return formats.number_format(
        amount, decimal_pos=digits, use_l10n=True, force_grouping=abs(amount) >= GROUPED_FROM
    )


def percent(value, digits: int | None = 1) -> str:
    """A share in per cent: «86,0 %» (one place after the comma unless told)."""
    shown = number(value, digits)
    return shown if shown == MISSING else f"{shown}{NBSP}%"
