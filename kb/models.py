"""The knowledge base «Противодействие коррупции» (seed 001 §6): a root page, sections
owned by structural units, and articles; the legal acts articles cite; readers' feedback;
in-app notifications and the log of review digests."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from rest_framework import serializers
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager, PageQuerySet
from wagtail.search import index

from intranet.admin_display import DisplayFieldPanel
from intranet.links import PublicAddressPageMixin
from intranet.models import Unit

from .blocks import ArticleBodyBlock
from .serializers import LegalActSerializer, TopicSerializer, UnitSerializer
from .typical_answers import placeholder_errors
from .widgets import LegalActsAutocomplete

DEFAULT_REVIEW_INTERVAL_DAYS = 365


class Topic(models.Model):
    """A consultation topic (seed 001 §5): the controlled vocabulary of the KB."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class LegalAct(index.Indexed, models.Model):
    """A legal act that articles cite. Marking it amended or repealed flags every
    article citing it for review (see kb.signals and kb.services.flag_articles_citing)."""

    class Kind(models.TextChoices):
        FEDERAL_LAW = "federal_law", _("Federal law")
        PRESIDENTIAL_DECREE = "presidential_decree", _("Decree of the President")
        GOVERNMENT_RESOLUTION = "government_resolution", _("Resolution of the Government")
        GOVERNMENT_ORDER = "government_order", _("Order of the Government")
        MINISTRY_ACT = "ministry_act", _("Act of a federal ministry")
        REGIONAL_LAW = "regional_law", _("Regional law")
        REGIONAL_ACT = "regional_act", _("Regional act")
        OTHER = "other", _("Other act")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        AMENDED = "amended", _("Amended")
        REPEALED = "repealed", _("Repealed")

    # Statuses that make the articles citing the act doubtful.
    REVIEW_STATUSES = (Status.AMENDED, Status.REPEALED)

    title = models.CharField(_("title"), max_length=1000)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=50)
    date = models.DateField(_("date"))
    url = models.URLField(
        _("link to the official publication"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("An http or https address, e.g. on publication.pravo.gov.ru"),
    )
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_FORCE
    )
    status_changed_on = models.DateField(
        _("status changed on"),
        null=True,
        blank=True,
        help_text=_(
            "The date of the latest amendment or of the repeal. A later date on an amended "
            "act (a new amendment) flags the citing articles again."
        ),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("E.g. the amending act"))

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("number"),
        index.FilterField("status"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("legal act")
        verbose_name_plural = _("legal acts")
        ordering = ["-date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number", "date"], name="kb_legalact_unique")
        ]

    def __str__(self) -> str:
        return self.citation

    def save(self, *args, **kwargs):
        if self.status in self.REVIEW_STATUSES and self.status_changed_on is None:
            self.status_changed_on = timezone.localdate()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("kb:act", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember the stored status: a change to amended/repealed triggers the flags.
        instance._loaded_status = instance.__dict__.get("status")
        instance._loaded_status_changed_on = instance.__dict__.get("status_changed_on")
        return instance

    @property
    def citation(self) -> str:
        """How Russian documents cite an act: kind, date, number, title."""
        return _("%(act)s «%(title)s»") % {"act": self.short_citation, "title": self.title}

    @property
    def short_citation(self) -> str:
        return _("%(kind)s of %(date)s No. %(number)s") % {
            "kind": self.get_kind_display(),
            "date": f"{self.date:%d.%m.%Y}",
            "number": self.number,
        }

    @property
    def needs_attention(self) -> bool:
        return self.status in self.REVIEW_STATUSES

    # How a reference names an act of each kind (Russian legal usage, not translated:
    # it is what the search reads to find the articles citing the act).
    REFERENCE_FORMS = {
        Kind.FEDERAL_LAW: "Федеральный закон № {number}",
        Kind.PRESIDENTIAL_DECREE: "Указ № {number}",
        Kind.GOVERNMENT_RESOLUTION: "Постановление № {number}",
        Kind.GOVERNMENT_ORDER: "Распоряжение № {number}",
    }

    @property
    def reference(self) -> str:
        """The act as a short reference («Указ № 559», «Федеральный закон № 273-ФЗ»)."""
        form = self.REFERENCE_FORMS.get(self.kind, "{number}")
        return form.format(number=self.number)

    def clean(self):
        super().clean()
        if self.status in self.REVIEW_STATUSES and self.status_changed_on is None:
            self.status_changed_on = timezone.localdate()
        errors = {}
        for name in ("in_force_from", "status_changed_on"):
            value = getattr(self, name)
            if value and self.date and value < self.date:
                errors[name] = _("This date cannot be earlier than the date of the act.")
        if errors:
            raise ValidationError(errors)

    def status_became_doubtful(self) -> bool:
        """True when this save moved the act into amended/repealed, or recorded a later
        amendment or repeal date (a new amendment of an amended act)."""
        if self.status not in self.REVIEW_STATUSES:
            return False
        if getattr(self, "_loaded_status", None) != self.status:
            return True
        previous = getattr(self, "_loaded_status_changed_on", None)
        return bool(previous and self.status_changed_on and self.status_changed_on > previous)

    @property
    def state_date(self) -> dt.date | None:
        """The date of the current state: entry into force, or the amendment or repeal."""
        if self.status in self.REVIEW_STATUSES:
            return self.status_changed_on
        return self.in_force_from


# ----------------------------------------------------------------------------- pages


class KnowledgeBaseIndexPage(PublicAddressPageMixin, Page):
    """The KB root: the intranet section «Противодействие коррупции» (seed 001 §6)."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["intranet.HomePage"]
    subpage_types = ["kb.KnowledgeBaseSectionPage"]
    max_count = 1

    class Meta:
        verbose_name = _("knowledge base")

    def is_public_for(self, request) -> bool:
        # The listing shows anonymous visitors only public articles.
        return True

    def route(self, request, path_components):
        """An article's address (section slug, article slug) is resolved with one query
        of the article itself, where Wagtail's walk down the tree costs a lookup and a
        `specific` fetch per level. Any other path takes the usual walk."""
        if len(path_components) == 2:
            section_slug, article_slug = path_components
            article = ArticlePage.objects.filter(
                slug=article_slug,
                url_path=f"{self.url_path}{section_slug}/{article_slug}/",
                path__startswith=self.path,
                depth=self.depth + 2,
            ).first()
            if article is not None:
                return article.route(request, [])
        return super().route(request, path_components)

    def sections_with_counts(self, articles) -> list:
        """The live sections, each with the number of `articles` it holds (one grouped
        pass over the articles' paths)."""
        sections = list(
            KnowledgeBaseSectionPage.objects.child_of(self)
            .live()
            .select_related("owner_unit")
            .order_by("path")
        )
        counts: dict[str, int] = {}
        prefix = len(self.path) + self.steplen
        for path in articles.values_list("path", flat=True):
            counts[path[:prefix]] = counts.get(path[:prefix], 0) + 1
        for section in sections:
            section.article_count = counts.get(section.path, 0)
        return sections

    def get_context(self, request, *args, **kwargs):
        from .caching import visibility_key

        context = super().get_context(request, *args, **kwargs)
        hidden = request_hidden_paths(request)
        articles = ArticlePage.objects.visible_to(request.user, hidden).descendant_of(self)
        # Lazy: read only when the cached tiles (kb.caching) are missing.
        context["sections"] = SimpleLazyObject(lambda: self.sections_with_counts(articles))
        context["recent_articles"] = articles.select_related("owner_unit").order_by(
            "-last_published_at"
        )[:8]
        context["topics"] = Topic.objects.all()
        context["kb_visibility"] = visibility_key(request.user, hidden)
        return context


class KnowledgeBaseSectionPage(PublicAddressPageMixin, Page):
    """A section by function of the department, owned by exactly one structural unit:
    its editors edit the section, its head approves publication (kb.ownership)."""

    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="kb_sections",
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who answers questions about this section; the unit's head if empty"),
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        # Only administrators reassign a section: the owner decides who may edit it.
        FieldPanel("owner_unit", permission="intranet.change_unit"),
        FieldPanel("contact"),
        FieldPanel("intro"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.FilterField("owner_unit"),
    ]
    parent_page_types = ["kb.KnowledgeBaseIndexPage"]
    subpage_types = ["kb.ArticlePage"]

    class Meta:
        verbose_name = _("knowledge base section")
        verbose_name_plural = _("knowledge base sections")

    def is_public_for(self, request) -> bool:
        return True

    @property
    def responsible(self):
        return self.contact or self.owner_unit.head

    def get_context(self, request, *args, **kwargs):
        from .caching import visibility_key

        context = super().get_context(request, *args, **kwargs)
        hidden = request_hidden_paths(request)
        articles = (
            ArticlePage.objects.child_of(self)
            .visible_to(request.user, hidden)
            .select_related("owner_unit")
            .prefetch_related("topics")
            .order_by("title")
        )
        kind = request.GET.get("kind", "")
        topic = request.GET.get("topic", "")
        if kind in dict(reader_kinds(request.user)):
            articles = articles.filter(kind=kind)
        else:
            kind = ""
        # An unknown topic lists nothing and is not cached: arbitrary query strings must
        # not fill the cache with keys of their own.
        cacheable = not topic or Topic.objects.filter(slug=topic).exists()
        if topic:
            articles = articles.filter(topics__slug=topic)
        context.update(
            articles=articles,
            kind=kind,
            topic=topic,
            kb_nocache=not cacheable,
            kinds=reader_kinds(request.user),
            topics=Topic.objects.all(),
            sections=KnowledgeBaseSectionPage.objects.sibling_of(self).live().order_by("path"),
            responsible=_responsible_with_profile(self),
            today=timezone.localdate(),
            kb_visibility=visibility_key(request.user, hidden),
        )
        return context


def reader_kinds(user) -> list[tuple[str, str]]:
    """The kinds of article a reader may filter a section by: no typical answers for
    those who may not read them (kb.audience)."""
    from .audience import sees_typical_answers

    choices = ArticlePage.Kind.choices
    if sees_typical_answers(user):
        return choices
    return [(value, label) for value, label in choices if value != ArticlePage.Kind.TYPICAL_ANSWER]


def _responsible_with_profile(section: KnowledgeBaseSectionPage):
    user_id = section.contact_id or section.owner_unit.head_id
    if user_id is None:
        return None
    from intranet.models import User

    return User.objects.select_related("profile").filter(pk=user_id).first()


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "kb.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


def _restriction_rows() -> list[tuple[str, str, frozenset[int]]]:
    """(path, kind, group ids) of every page view restriction."""
    from wagtail.models import PageViewRestriction

    return [
        (r.page.path, r.restriction_type, frozenset(group.pk for group in r.groups.all()))
        for r in PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    ]


def hidden_paths(user, request=None) -> tuple[str, ...]:
    """The tree paths of the subtrees `user` may not read under Wagtail's page view
    restrictions, sorted: for a signed-in user a group restriction they are not in and
    a password one (which a listing cannot check); for an anonymous visitor every
    restriction (what ``PageQuerySet.public()`` leaves out). The per-request pattern of
    wagtail/api/querysets.py, for a user rather than a request. With a request, the
    restrictions are read once per KB generation (kb.caching.shared: a restriction's
    change bumps it, kb.signals).

    Two users with the same hidden paths see the same articles: the paths are the
    visibility class that keys the cached KB fragments (kb.caching)."""
    from wagtail.models import PageViewRestriction

    from . import caching

    if request is not None:
        rows = caching.shared(request, "view-restrictions", _restriction_rows)
    else:
        rows = _restriction_rows()
    anonymous = user is None or not user.is_authenticated
    group_ids = None
    hidden = set()
    for path, kind, groups in rows:
        if anonymous:
            hidden.add(path)
            continue
        if kind == PageViewRestriction.LOGIN:
            continue
        if kind == PageViewRestriction.GROUPS:
            if user.is_superuser:
                continue
            if group_ids is None:
                group_ids = user.group_ids()
            if group_ids & groups:
                continue
        hidden.add(path)
    return tuple(sorted(hidden))


def request_hidden_paths(request) -> tuple[str, ...]:
    """`hidden_paths` of the request's user, read once per request."""
    cached = getattr(request, "_kb_hidden_paths", None)
    if cached is None:
        cached = hidden_paths(getattr(request, "user", None), request)
        request._kb_hidden_paths = cached
    return cached


def _hidden_by_view_restrictions(user, paths=None) -> Q | None:
    """`hidden_paths` as one path condition for the query (None: nothing hidden)."""
    paths = hidden_paths(user) if paths is None else paths
    hidden = Q()
    for path in paths:
        hidden |= Q(path__startswith=path)
    return hidden or None


class ArticlePageQuerySet(PageQuerySet):
    def visible_to(self, user, hidden: tuple[str, ...] | None = None):
        """Live articles this user may read: everything for signed-in staff, only
        public material for anonymous visitors. Every listing, related block and API
        endpoint goes through here. `hidden`: the user's `hidden_paths`, when the
        caller has already read them."""
        from .audience import sees_typical_answers

        queryset = self.live()
        if not sees_typical_answers(user):
            # Typical answers are for staff only (kb.audience).
            queryset = queryset.exclude(kind=ArticlePage.Kind.TYPICAL_ANSWER)
        if user is None or not user.is_authenticated:
            return queryset.public().filter(audience=ArticlePage.Audience.PUBLIC)
        condition = _hidden_by_view_restrictions(user, hidden)
        return queryset.exclude(condition) if condition else queryset

    def needing_review(self, today: dt.date | None = None):
        """Live articles past their review date or flagged (e.g. a cited act changed):
        the rule of kb.freshness."""
        from . import freshness

        return freshness.needing_review(self, today)

    def owned_by(self, units):
        return self.filter(owner_unit__in=units)


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)


def body_plain_text(field, value) -> str:
    """The searchable content of a StreamField value as one line of plain text
    (migration kb.0005 filled `ArticlePage.body_text` the same way)."""
    parts = field.get_searchable_content(value) if value else []
    return " ".join(" ".join(str(part) for part in parts).split())


class ArticlePage(PublicAddressPageMixin, Page):
    """A KB article: положение, порядок, регламент, инструкция, типовой ответ, образец
    документа or FAQ. Its owner unit is that of its section and is not edited here."""

    class Kind(models.TextChoices):
        PROVISION = "provision", _("Provision")
        PROCEDURE = "procedure", _("Procedure")
        REGULATION = "regulation", _("Regulation")
        ADMIN_REGULATION = "admin_regulation", _("Administrative regulation")
        INSTRUCTION = "instruction", _("Instruction")
        TYPICAL_ANSWER = "typical_answer", _("Typical answer")
        TEMPLATE = "template", _("Document template")
        FAQ = "faq", _("FAQ / explanation")

    class Audience(models.TextChoices):
        INTERNAL = "internal", _("Internal: signed-in staff only")
        PUBLIC = "public", _("Public: also anonymous visitors and other sites")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.FAQ)
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences"))
    body = StreamField(ArticleBodyBlock(), verbose_name=_("content"), blank=True)
    # The body's words as plain text, kept by `save` (the staff search's snippets read
    # it instead of walking the StreamField of every hit shown). NULL: not computed yet.
    body_text = models.TextField(_("content as plain text"), null=True, blank=True, editable=False)
    topics = ParentalManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="articles"
    )
    tags = ClusterTaggableManager(through=ArticlePageTag, verbose_name=_("tags"), blank=True)
    legal_acts = ParentalManyToManyField(
        LegalAct, verbose_name=_("cited legal acts"), blank=True, related_name="articles"
    )
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.INTERNAL
    )
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="kb_articles",
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), default=timezone.localdate)
    review_interval_days = models.PositiveIntegerField(
        _("review interval, days"), default=DEFAULT_REVIEW_INTERVAL_DAYS
    )
    next_review_due = models.DateField(_("next review due"), null=True, editable=False)
    needs_review = models.BooleanField(_("needs review"), default=False, editable=False)
    review_reason = models.TextField(_("why review is needed"), blank=True, editable=False)
    review_flagged_on = models.DateField(_("flagged on"), null=True, editable=False)
    answer_code = models.CharField(
        _("typical answer code"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Stable identifier the cases desk uses, e.g. ТО-001"),
    )
    answer_text = models.TextField(
        _("typical answer text"),
        blank=True,
        help_text=_(
            "Reusable text for answers. Placeholders in braces are filled in by the "
            "executor, e.g. {client_name}, {date}, {deadline}."
        ),
    )

    # What changed, for readers: saved with the revision, copied to the article's
    # history (ArticleEdition) when the revision is published (kb.history).
    change_note = models.CharField(
        _("what changed, for readers"),
        max_length=300,
        blank=True,
        help_text=_(
            "One sentence for the article's history of changes, shown to readers when "
            "this version is published. Empty: «Editorial changes»."
        ),
    )

    objects = ArticlePageManager()

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("audience")]),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [DisplayFieldPanel("answer_code", read_only=True), FieldPanel("answer_text")],
            heading=_("Typical answer"),
        ),
        InlinePanel("attachments", label=_("attachments")),
        # «Существенное изменение — ознакомить заново» (kb.acknowledgements).
        HelpPanel(template="acknowledgements/admin/substantial_change_panel.html"),
        FieldPanel("change_note"),
    ]
    classification_panels = [
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
        FieldPanel("legal_acts", widget=LegalActsAutocomplete),
        InlinePanel("related_links", label=_("related articles")),
    ]
    review_panels = [
        HelpPanel(
            template="kb/admin/review_status_panel.html",
            heading=_("Review status"),
        ),
        FieldRowPanel([DisplayFieldPanel("last_reviewed_on"), FieldPanel("review_interval_days")]),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(classification_panels, heading=_("Topics and acts")),
            ObjectList(review_panels, heading=_("Review")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("answer_text"),
        index.SearchField("answer_code"),
        index.FilterField("kind"),
        index.FilterField("audience"),
        index.FilterField("owner_unit"),
        index.FilterField("needs_review"),
        index.RelatedFields("topics", [index.SearchField("name"), index.FilterField("slug")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        # The acts it cites, so that a search for «указ 559» finds it (search.acts).
        index.SearchField("cited_acts_text"),
    ]

    api_fields = [
        APIField("kind"),
        APIField("summary"),
        APIField("audience"),
        APIField("topics", serializer=TopicSerializer(many=True)),
        APIField("tags"),
        APIField("owner_unit", serializer=UnitSerializer()),
        APIField("legal_acts", serializer=LegalActSerializer(many=True)),
        APIField("last_reviewed_on"),
        APIField("review_interval_days"),
        APIField("next_review_due"),
        # Overdue or flagged (kb.freshness), as `?needs_review=true` selects.
        APIField("needs_review", serializer=serializers.BooleanField(source="review_needed")),
        APIField("review_reason"),
        APIField("answer_code"),
        APIField("answer_text"),
        APIField("body"),
    ]

    parent_page_types = ["kb.KnowledgeBaseSectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("knowledge base article")
        verbose_name_plural = _("knowledge base articles")
        indexes = [
            models.Index(fields=["owner_unit", "next_review_due"]),
            models.Index(fields=["needs_review"]),
        ]

    # -- data rules ----------------------------------------------------------------

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.TYPICAL_ANSWER and not self.answer_text.strip():
            errors["answer_text"] = _("A typical answer needs the reusable answer text.")
        problems = placeholder_errors(self.answer_text)
        if problems:
            errors["answer_text"] = problems
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            section = self.section
            if section is not None:
                self.owner_unit_id = section.owner_unit_id
            self.next_review_due = self.compute_next_review_due()
            if self.kind == self.Kind.TYPICAL_ANSWER and not self.answer_code:
                # A code, once given, stays: a draft that lost it gets the stored one back.
                stored = (
                    ArticlePage.objects.filter(pk=self.pk)
                    .values_list("answer_code", flat=True)
                    .first()
                    if self.pk
                    else None
                )
                self.answer_code = stored or next_answer_code()
        if not self.answer_code:
            self.answer_code = None  # NULLs do not collide in the unique index
        if update_fields is None or "body" in update_fields:
            self.body_text = self.plain_body()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_text"}
        super().save(*args, **kwargs)

    def cited_acts_text(self) -> str:
        """The references of the acts the article cites, for the search index."""
        return "; ".join(act.reference for act in self.legal_acts.all())

    def plain_body(self) -> str:
        """The words of the body as the search index reads them (each block's
        searchable content), as one line of text."""
        return body_plain_text(self._meta.get_field("body"), self.body)

    def compute_next_review_due(self) -> dt.date | None:
        if self.last_reviewed_on is None:
            return None
        return self.last_reviewed_on + dt.timedelta(days=self.review_interval_days or 0)

    def with_content_json(self, content):
        """Drafts do not carry the system's view of the article: the owner unit, the
        review flag and the typical answer's code stay as they are on the live row."""
        obj = super().with_content_json(content)
        for name in (
            "owner_unit_id",
            "needs_review",
            "review_reason",
            "review_flagged_on",
        ):
            setattr(obj, name, getattr(self, name))
        if self.answer_code:
            obj.answer_code = self.answer_code
        return obj

    @cached_property
    def section(self) -> KnowledgeBaseSectionPage | None:
        if not self.path or self.depth is None or self.depth <= 1:
            return None
        return (
            KnowledgeBaseSectionPage.objects.filter(path=self.path[: -self.steplen])
            .select_related("owner_unit")
            .first()
        )

    @property
    def is_overdue(self) -> bool:
        from . import freshness

        return freshness.is_overdue(self)

    @property
    def review_needed(self) -> bool:
        """Overdue or flagged (kb.freshness): what the API calls `needs_review`."""
        from . import freshness

        return freshness.needs_review(self)

    @property
    def is_typical_answer(self) -> bool:
        return self.kind == self.Kind.TYPICAL_ANSWER

    def is_public_for(self, request) -> bool:
        # A typical answer is for staff, even when marked public (kb.audience).
        return self.live and self.audience == self.Audience.PUBLIC and not self.is_typical_answer

    def render_answer(self, values: dict):
        """Fill the typical answer's placeholders; see kb.typical_answers.render."""
        from .typical_answers import render

        return render(self.answer_text, values)

    # -- reading --------------------------------------------------------------------

    def table_of_contents(self) -> list[dict]:
        return [
            {"anchor": f"h-{block.id}", "text": block.value["text"], "level": block.value["level"]}
            for block in self.body
            if block.block_type == "heading"
        ]

    def related_for(self, user, hidden: tuple[str, ...] | None = None):
        """Related articles this user may read (never leak internal material)."""
        ids = [link.target_id for link in self.related_links.all()]
        if not ids:
            return []
        visible = {
            page.pk: page
            for page in ArticlePage.objects.visible_to(user, hidden)
            .filter(pk__in=ids)
            .select_related("owner_unit")
        }
        return [visible[pk] for pk in ids if pk in visible]

    def serve(self, request, *args, **kwargs):
        from .page_cache import served

        response = super().serve(request, *args, **kwargs)
        served(request, self)  # the whole-response cache may keep it (kb.page_cache)
        return response

    def get_template(self, request, *args, **kwargs):
        if request.GET.get("print"):
            return "kb/article_page_print.html"
        return super().get_template(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from .caching import visibility_key

        context = super().get_context(request, *args, **kwargs)
        section = self.section
        user = request.user
        hidden = request_hidden_paths(request)
        context.update(
            section=section,
            sections=KnowledgeBaseSectionPage.objects.sibling_of(section).live().order_by("path")
            if section
            else [],
            # The responsible contact and «Отметить как проверенное» are personal parts of
            # the page (kb/templates/kb/personal/, kb.page_cache): they read their own.
            # Lazy: read or built only when the cached fragments (kb.caching) are missing.
            toc=SimpleLazyObject(self.table_of_contents),
            related=SimpleLazyObject(lambda: self.related_for(user, hidden)),
            kb_visibility=visibility_key(user, hidden),
            attachments=self.attachments.select_related("document"),
            acts=self.legal_acts.all(),
            article_topics=self.topics.all(),
            article_tags=self.tags.all(),
            print_view=bool(request.GET.get("print")),
        )
        return context


class ArticleAttachment(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="attachments")
    # PROTECT: a document a live article attaches cannot be deleted from the document
    # library (Wagtail's delete views, one or in bulk, show it as in use and refuse);
    # deleting it used to drop the attachment from the live article with no approval.
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class ArticleRelation(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_links")
    target = models.ForeignKey(
        ArticlePage,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("target", page_type="kb.ArticlePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("related article")
        verbose_name_plural = _("related articles")


def next_answer_code() -> str:
    """The next free typical-answer code, ТО-001, ТО-002, ... Codes are never reused."""
    numbers = [0]
    for code in ArticlePage.objects.filter(answer_code__startswith="ТО-").values_list(
        "answer_code", flat=True
    ):
        tail = code.removeprefix("ТО-")
        if tail.isdigit():
            numbers.append(int(tail))
    return f"ТО-{max(numbers) + 1:03d}"


# ------------------------------------------------------------------ other models


class ArticleFeedbackQuerySet(models.QuerySet):
    def for_user(self, user):
        """Feedback the user may see: that of the units they edit or head, and for the
        department head that of every unit below (kb.overview)."""
        if user.is_superuser:
            return self
        from .overview import overview_unit_ids
        from .ownership import units_of

        unit_ids = {unit.pk for unit in units_of(user)} | overview_unit_ids(user)
        return self.filter(unit__in=unit_ids)


class ArticleFeedback(models.Model):
    """«Был ли материал полезен?»: one opinion per reader and article (the latest)."""

    article = models.ForeignKey(
        ArticlePage,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kb_feedback",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ArticleFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.article.title}: {_('yes') if self.helpful else _('no')}"


class ArticleReview(models.Model):
    """«Отметить как проверенное»: who confirmed that an article is current, and when
    (kb.services.mark_reviewed). The latest one is the article's `last_reviewed_on`."""

    article = models.ForeignKey(
        ArticlePage,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    was_overdue = models.BooleanField(_("review was overdue"), default=False)
    cleared_reason = models.TextField(_("cleared flag"), blank=True)

    class Meta:
        verbose_name = _("article review")
        verbose_name_plural = _("article reviews")
        ordering = ["-reviewed_at"]
        indexes = [models.Index(fields=["article", "-reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.article.title} {timezone.localtime(self.reviewed_at):%d.%m.%Y}"


class Notification(models.Model):
    """An in-app notice (the admin dashboard lists the unread ones); the same text
    usually goes out by e-mail too."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="kb_notifications",
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The same text by e-mail, in the outbox (intranet.outbox), which sends it.
    message = models.ForeignKey(
        "intranet.OutgoingMessage",
        verbose_name=_("e-mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class KBDigestLog(models.Model):
    """One review digest per person and day: the row is the proof it was sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_on = models.DateField(_("date"))
    article_count = models.PositiveIntegerField(_("articles"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("review digest")
        verbose_name_plural = _("review digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="kb_digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.sent_on:%d.%m.%Y}"


class UnitWorkflow(models.Model):
    """The publication workflow of a unit's sections (approval by the unit's heads)."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="kb_workflow"
    )
    workflow = models.OneToOneField(
        "wagtailcore.Workflow",
        verbose_name=_("workflow"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("unit workflow")
        verbose_name_plural = _("unit workflows")

    def __str__(self) -> str:
        return str(self.unit)


class CacheGeneration(models.Model):
    """A value changed whenever cached KB fragments may be stale (kb.caching): kept in
    the database so that the change commits with the edit it announces and reaches
    every process."""

    name = models.CharField(_("name"), max_length=32, unique=True)
    value = models.PositiveBigIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("cache generation")
        verbose_name_plural = _("cache generations")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class ArticleEdition(models.Model):
    """One publication of an article (a «редакция»): the readers' history of changes.
    Written when a revision is published (kb.history); drafts never make one."""

    article = models.ForeignKey(
        ArticlePage, verbose_name=_("article"), on_delete=models.CASCADE, related_name="editions"
    )
    revision = models.OneToOneField(
        "wagtailcore.Revision",
        verbose_name=_("revision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    first = models.BooleanField(_("first publication"), default=False)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["article", "-published_at"])]

    def __str__(self) -> str:
        return f"{self.article_id} {self.published_at:%d.%m.%Y}"

    @property
    def text(self) -> str:
        """The note as readers see it: an empty note is «Editorial changes» (the first
        publication: «First publication»)."""
        if self.note:
            return self.note
        return _("First publication") if self.first else _("Editorial changes")


class Following(models.Model):
    """A reader follows an article or a whole section (kb.following): told in the
    notification centre when it is republished or flagged by an amended act."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="kb_followings",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("article or section"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("following")
        verbose_name_plural = _("followings")
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="kb_follow_once"),
        ]
        indexes = [models.Index(fields=["page", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.page_id}"
