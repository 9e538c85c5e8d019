"""The organisation: people and structural units. A unit is the pivot of the product:
it owns knowledge-base sections, receives cases, has editors, executors and a head."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from intranet import directory, roles
from intranet.accounts.models import User


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Unit(index.Indexed, models.Model):
    """A structural unit (структурное подразделение). Units form a tree via `parent`;
    the tree is small (dozens of nodes), so a plain adjacency list is enough."""

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(
        _("short name"),
        max_length=100,
        unique=True,
        help_text=_("Used in group names and lists"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        User,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    room = models.CharField(_("room"), max_length=50, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    editors_group = models.OneToOneField(
        Group,
        verbose_name=_("editors' group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="edited_unit",
    )
    heads_group = models.OneToOneField(
        Group,
        verbose_name=_("heads' group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="headed_unit",
    )

    objects = UnitQuerySet.as_manager()

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("short_name"),
    ]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Unit"]:
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))

    def descendant_ids(self) -> set[int]:
        """Ids of this unit and every unit below it (one query per tree level)."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(
                Unit.objects.filter(parent_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids.update(frontier)
        return ids

    def sync_groups(self) -> None:
        """Create or rename this unit's editors' and heads' groups, and put the head in
        the heads' group. Called on every save (see intranet.signals)."""
        changed = False
        for attr, make_name in (
            ("editors_group", roles.unit_editors_group_name),
            ("heads_group", roles.unit_heads_group_name),
        ):
            wanted = make_name(self.short_name)
            group = getattr(self, attr)
            if group is None:
                group, _created = Group.objects.get_or_create(name=wanted)
                setattr(self, attr, group)
                changed = True
            elif group.name != wanted:
                group.name = wanted
                group.save(update_fields=["name"])
        if changed:
            Unit.objects.filter(pk=self.pk).update(
                editors_group=self.editors_group, heads_group=self.heads_group
            )
        if self.head_id:
            self.head.groups.add(self.heads_group)
            heads = Group.objects.filter(name=roles.HEADS).first()
            if heads:
                self.head.groups.add(heads)
        # The heads' group holds exactly the current head: a replaced head leaves it.
        former = self.heads_group.user_set.exclude(pk=self.head_id)
        self.heads_group.user_set.remove(*former)


class StaffProfileQuerySet(models.QuerySet):
    def matching(self, query: str):
        """The profiles that `query` finds by name, position, room, unit or phone number
        (the rule: `intranet.directory.search`)."""
        return directory.search(self, query)

    def directory(self):
        return (
            self.filter(user__is_active=True, show_in_directory=True)
            .select_related("user", "unit")
            .order_by("unit__sort_order", "unit__name", "user__last_name", "user__first_name")
        )


class StaffProfile(index.Indexed, models.Model):
    """What the staff directory and the door signs show about a person."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    room = models.CharField(_("room"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    work_email = models.EmailField(_("work e-mail"), blank=True)
    show_in_directory = models.BooleanField(_("show in the directory"), default=True)
    # Normalised words of the name, position, room and unit, and the phone numbers as
    # digits (`intranet.directory`): the directory filters on them with a plain
    # `contains`, which works for Cyrillic on every database (SQLite's LIKE folds ASCII only).
    search_text = models.TextField(editable=False, default="")
    phone_digits = models.CharField(editable=False, max_length=100, default="")

    objects = StaffProfileQuerySet.as_manager()

    search_fields = [
        index.SearchField("position"),
        index.SearchField("room"),
        index.FilterField("unit"),
        index.RelatedFields(
            "user",
            [index.SearchField("last_name"), index.SearchField("first_name")],
        ),
    ]

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["user__last_name", "user__first_name"]
        indexes = [models.Index(fields=["unit", "show_in_directory"])]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} — {self.position}" if self.position else str(self.user)

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        self.phone_digits = directory.phone_digits(self.phone)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "phone_digits"}
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        parts = [self.user.get_full_name(), self.user.username, self.position, self.room]
        if self.unit_id:
            parts += [self.unit.name, self.unit.short_name]
        return directory.directory_text(*parts)
