from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from intranet.blocks import BaseStreamBlock
from intranet.keys import key_from
from intranet.links import PublicAddressPageMixin

from .org import StaffProfile, Unit


class HomePage(PublicAddressPageMixin, Page):
    """The intranet's front page: search, the knowledge base, "ask a question"."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().in_menu().specific()
        return context


class ContentPage(PublicAddressPageMixin, Page):
    """A general page of the intranet (news, rules, contacts...)."""

    summary = RichTextField(_("summary"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BaseStreamBlock(), verbose_name=_("content"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")


class StaffDirectoryPage(PublicAddressPageMixin, RoutablePageMixin, Page):
    """People by unit with room and phone, and printable door signs per room: seed 001
    asks for signs with the staff's names on every office door."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("staff directory")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        query = (request.GET.get("q") or "").strip()
        unit_id = request.GET.get("unit") or ""
        people = StaffProfile.objects.directory()
        # The unit first: the search reads stems only when nobody in it meets the words.
        if (unit_key := key_from(unit_id)) is not None:
            people = people.filter(unit_id=unit_key)
        if query:
            people = people.matching(query)
        groups: dict = {}
        for person in people:
            groups.setdefault(person.unit, []).append(person)
        context.update(
            query=query,
            unit_id=unit_id,
            units=Unit.objects.active(),
            groups=list(groups.items()),
        )
        return context

    @path("doors/", name="door_signs")
    def door_signs(self, request):
        """One printable sign per room: the room, its unit(s) and who sits there."""
        rooms: dict[str, list] = {}
        for person in StaffProfile.objects.directory().exclude(room=""):
            rooms.setdefault(person.room, []).append(person)
        signs = [(room, rooms[room]) for room in sorted(rooms, key=_room_sort_key)]
        return self.render(
            request,
            context_overrides={"signs": signs},
            template="intranet/door_signs.html",
        )


def _room_sort_key(room: str):
    digits = "".join(ch for ch in room if ch.isdigit())
    return (int(digits) if digits else 10**9, room)
