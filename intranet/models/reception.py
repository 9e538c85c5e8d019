from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from intranet.links import PublicAddressPageMixin

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ReceptionPointPage(PublicAddressPageMixin, Page):
    """A point of personal reception (seed 001 §4): where, how to get there, who
    receives, and when. "Open now" comes from `intranet.reception`."""

    address = models.CharField(_("address"), max_length=255)
    directions = RichTextField(
        _("how to get there"), blank=True, features=["bold", "italic", "link", "ul"]
    )
    phone = models.CharField(_("phone for appointments"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = RichTextField(_("notes"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("directions"),
                FieldPanel("phone"),
                FieldPanel("email"),
            ],
            heading=_("Address and contacts"),
        ),
        InlinePanel("hours", label=_("reception hours"), heading=_("Reception hours")),
        InlinePanel("rooms", label=_("room"), heading=_("Rooms and staff")),
        FieldPanel("notes"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("address"),
        index.SearchField("directions"),
    ]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("reception point")
        verbose_name_plural = _("reception points")

    def weekly_schedule(self):
        from intranet.reception import WeeklySchedule

        return WeeklySchedule.from_rows(self.hours.all())

    def get_context(self, request, *args, **kwargs):
        from intranet.reception import opening_status
        from intranet.workdays import get_calendar

        context = super().get_context(request, *args, **kwargs)
        schedule = self.weekly_schedule()
        context["schedule"] = schedule
        context["status"] = opening_status(schedule, timezone.localtime(), get_calendar())
        # Booking a visit is the cases desk's (cases.reception); the page links to it.
        from cases.reception.services import can_book

        context["can_book"] = can_book(request.user)
        return context


class ReceptionHours(Orderable):
    """Hours for one weekday, with an optional lunch break."""

    page = ParentalKey(ReceptionPointPage, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    lunch_start = models.TimeField(_("break from"), null=True, blank=True)
    lunch_end = models.TimeField(_("break until"), null=True, blank=True)

    panels = [
        FieldPanel("weekday"),
        FieldPanel("opens"),
        FieldPanel("closes"),
        FieldPanel("lunch_start"),
        FieldPanel("lunch_end"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("reception hours")
        verbose_name_plural = _("reception hours")

    def clean(self):
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError(_("The start time must be earlier than the end time."))
        if bool(self.lunch_start) != bool(self.lunch_end):
            raise ValidationError(_("Give both the start and the end of the break."))
        lunch = self.lunch_start and self.lunch_end
        if lunch and not (self.opens < self.lunch_start < self.lunch_end < self.closes):
            raise ValidationError(_("The break must fall within the reception hours."))

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ReceptionRoom(Orderable):
    page = ParentalKey(ReceptionPointPage, on_delete=models.CASCADE, related_name="rooms")
    room = models.CharField(_("room"), max_length=50)
    staff = models.TextField(
        _("staff members"),
        help_text=_("Full names and positions of the receiving staff, one per line"),
    )

    panels = [FieldPanel("room"), FieldPanel("staff")]

    class Meta(Orderable.Meta):
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def staff_lines(self) -> list[str]:
        return [line.strip() for line in self.staff.splitlines() if line.strip()]
