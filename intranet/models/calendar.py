from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A one-off correction to the Russian production calendar of the `holidays`
    library: a regional non-working day it lacks, or a working day it does not know."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Tick if the day is a working day; untick if it is a day off"),
    )
    reason = models.CharField(_("reason"), max_length=255)
    # Empty: computed (ТК РФ ст. 95, `ProductionCalendar.is_shortened_day`).
    shortened = models.BooleanField(
        _("shortened pre-holiday day"),
        null=True,
        blank=True,
        choices=[
            (None, _("as computed from the calendar")),
            (True, _("shortened by one hour")),
            (False, _("full working day")),
        ],
        help_text=_(
            "The working day before a non-working holiday is one hour shorter; "
            "leave as computed unless the official calendar says otherwise"
        ),
    )

    class Meta:
        verbose_name = _("production calendar exception")
        verbose_name_plural = _("production calendar exceptions")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("working") if self.is_working else _("non-working")
        return f"{self.date:%d.%m.%Y} — {kind}"

    def clean(self):
        super().clean()
        if self.shortened and not self.is_working:
            raise ValidationError({"shortened": _("Only a working day can be a shortened day.")})
