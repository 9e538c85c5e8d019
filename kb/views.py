from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import following, review
from . import overview as department
from .attachments import grace_period
from .forms import FeedbackForm
from .models import ArticlePage, KnowledgeBaseSectionPage, LegalAct, Topic, UnitWorkflow
from .ownership import units_of
from .services import record_feedback


@require_POST
def article_feedback(request, page_id: int):
    """«Был ли материал полезен?»: a signed-in reader's yes/no and comment."""
    article = get_object_or_404(ArticlePage.objects.visible_to(request.user), pk=page_id)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        record_feedback(
            article, request.user, form.cleaned_data["helpful"], form.cleaned_data["comment"]
        )
        messages.success(
            request, _("Thank you! Your feedback goes to the unit that keeps this article.")
        )
    else:
        messages.error(request, _("Please answer «yes» or «no»."))
    return redirect(f"{article.get_url(request)}#feedback")


@require_POST
def follow(request, page_id: int):
    """Follow an article or a section, or stop (`follow` = 1 or 0; without it, the
    button toggles). Only a page the person may read (404 otherwise); anonymous
    visitors are sent to sign in by the middleware. Back to the page, or to `next`
    (the list of what one follows)."""
    page = following.followable(request.user, page_id)
    if page is None:
        raise Http404
    value = request.POST.get("follow")
    wanted = value == "1" if value in ("0", "1") else not following.is_following(request.user, page)
    following.set_following(request.user, page, wanted)
    is_section = isinstance(page, KnowledgeBaseSectionPage)
    if wanted and is_section:
        text = _(
            "You follow the section «%(title)s»: you will be notified of its new articles "
            "and of new editions of its articles."
        )
    elif wanted:
        text = _("You follow «%(title)s»: you will be notified of its new editions.")
    else:
        text = _("You no longer follow «%(title)s».")
    messages.success(request, text % {"title": page.title})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = f"{page.get_url(request)}#follow"
    return redirect(target)


def followed(request):
    """What the signed-in person follows in the knowledge base, with a button to stop."""
    rows = [
        {"page": page, "is_section": isinstance(page, KnowledgeBaseSectionPage)}
        for page in following.followed_by(request.user)
    ]
    return render(request, "kb/following.html", {"rows": rows})


class AdminHelpView(WagtailAdminTemplateMixin, TemplateView):
    """The admin's help for unit editors and heads (/admin/help/): writing an article,
    submitting it, approving or returning it, confirming its review. Registered in the
    admin (kb.wagtail_hooks), so only people with admin access open it. The buttons and
    headings it names are the admin's own labels, for the user's unit where it has one."""

    page_title = gettext_lazy("Help for editors and heads")
    header_icon = "help"
    template_name = "kb/admin/help.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = units_of(self.request.user)
        link = (
            UnitWorkflow.objects.filter(unit__in=units)
            .select_related("workflow", "unit")
            .order_by("unit__sort_order", "unit__name")
            .first()
        )
        unit = link.unit.short_name if link else _("your unit")
        workflow_name = (
            link.workflow.name
            if link
            else _("Knowledge base publication: %(unit)s") % {"unit": unit}
        )
        task = link.workflow.tasks.first() if link else None
        task_name = task.name if task else _("Approval by the head: %(unit)s") % {"unit": unit}
        approve = _("Approve")
        field = ArticlePage._meta.get_field
        context.update(
            units=units,
            orphan_grace_days=grace_period().days,
            labels={
                "pages": _("Pages"),
                "add_child": _("Add child page"),
                "content_tab": _("Content"),
                "acts_tab": _("Topics and acts"),
                "review_tab": _("Review"),
                "attachments": capfirst(_("attachments")),
                "answer_text": capfirst(field("answer_text").verbose_name),
                "reviewed_on": capfirst(field("last_reviewed_on").verbose_name),
                "save": _("Save draft"),
                "submit": _("Submit to %(workflow_name)s") % {"workflow_name": workflow_name},
                "in_moderation": _("In Moderation"),
                "resubmit": _("Resubmit to %(task_name)s") % {"task_name": task_name},
                "awaiting": _("Awaiting your review"),
                "history": _("History"),
                "approve": _("%(label)s and Publish") % {"label": approve},
                "approve_comment": _("%(label)s and Publish")
                % {"label": _("Approve with comment")},
                "reject": _("Request changes"),
                "publish": _("Publish"),
                "to_review": _("Knowledge base: to review"),
                "needs_review": _("Needs review"),
                "mark_reviewed": _("Mark as reviewed"),
                "feedback": _("Article feedback"),
                "question": _("Was this material helpful?"),
            },
        )
        return context


class MarkReviewedView(WagtailAdminTemplateMixin, TemplateView):
    """«Отметить как проверенное» (kb.review): GET asks to confirm, POST does it and
    goes back to the article's editor. Another unit's article is not found."""

    header_icon = "tick"
    template_name = "kb/admin/mark_reviewed.html"

    def dispatch(self, request, *args, **kwargs):
        self.article = get_object_or_404(ArticlePage, pk=kwargs["page_id"])
        if not self.article.permissions_for_user(request.user).can_edit():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Mark as reviewed")

    def get_page_subtitle(self):
        return self.article.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.article.pk]),
                "label": self.article.get_admin_display_title(),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            article=self.article,
            refusal=review.refusal_reason(self.article, user),
            today=timezone.localdate(),
        )
        return context

    def post(self, request, *args, **kwargs):
        edit_url = reverse("wagtailadmin_pages:edit", args=[self.article.pk])
        try:
            review.mark_reviewed(self.article, request.user)
        except review.ReviewRefused as refused:
            messages.error(request, str(refused))
            return redirect(edit_url)
        article = ArticlePage.objects.get(pk=self.article.pk)
        messages.success(
            request,
            _("«%(title)s» is marked as reviewed today; the next review is due on %(date)s.")
            % {"title": article.title, "date": f"{article.next_review_due:%d.%m.%Y}"},
        )
        return redirect(edit_url)


# ------------------------------------------------------------------ acts register

ACTS_PER_PAGE = 50


def matching_acts(acts, query: str) -> list[LegalAct]:
    """The acts whose number, title, kind or date contain every word of `query`, in
    any case (SQLite compares only Latin letters without case, so the words are
    matched here; the register holds hundreds of acts, not millions)."""
    words = query.casefold().replace("№", " ").split()
    if not words:
        return list(acts)
    found = []
    for act in acts:
        text = f"{act.number} {act.title} {act.get_kind_display()} {act.date:%d.%m.%Y}".casefold()
        if all(word in text for word in words):
            found.append(act)
    return found


def _cited_counts(user):
    """Each act's number of live articles citing it that `user` may read."""
    visible = ArticlePage.objects.visible_to(user).values("pk")
    return Count("articles", filter=Q(articles__in=visible), distinct=True)


@login_not_required
def act_register(request):
    """/kb/acts/: the register of the legal acts the knowledge base cites, filtered by
    kind and state and searched by number, title or date."""
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:200]
    acts = LegalAct.objects.annotate(cited=_cited_counts(request.user)).order_by("-date", "number")
    if kind in LegalAct.Kind.values:
        acts = acts.filter(kind=kind)
    else:
        kind = ""
    if status in LegalAct.Status.values:
        acts = acts.filter(status=status)
    else:
        status = ""
    found = matching_acts(acts, query) if query else acts
    page = Paginator(found, ACTS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "kb/acts/register.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "query": query,
            "kinds": LegalAct.Kind.choices,
            "statuses": LegalAct.Status.choices,
            "params": params.urlencode(),
        },
    )


@login_not_required
def act_detail(request, pk: int):
    """/kb/acts/<pk>/: one act, its state and the articles citing it that the reader may
    open (kb.models.ArticlePageQuerySet.visible_to)."""
    act = get_object_or_404(LegalAct, pk=pk)
    articles = (
        ArticlePage.objects.visible_to(request.user)
        .filter(legal_acts=act)
        .select_related("owner_unit")
        .order_by("title")
    )
    return render(request, "kb/acts/detail.html", {"act": act, "articles": articles})


def legal_act_autocomplete(request):
    """The editor's acts picker (kb.widgets): up to 20 acts matching ?q=, as JSON.
    Registered in the admin (kb.wagtail_hooks), for people who may see the register."""
    if not request.user.has_perm("kb.view_legalact"):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:200]
    acts = matching_acts(LegalAct.objects.order_by("-date", "number"), query)[:20] if query else []
    return JsonResponse({"results": [{"id": act.pk, "label": act.citation} for act in acts]})


# --------------------------------------------------------- topics and tags listings


def _listing(request, heading: str, articles):
    articles = (
        articles.select_related("owner_unit")
        .prefetch_related("topics")
        .order_by("title")
        .distinct()
    )
    return render(request, "kb/listing.html", {"heading": heading, "articles": articles})


@login_not_required
def topic_articles(request, slug: str):
    """/kb/topics/<slug>/: the articles of a topic the reader may open."""
    topic = get_object_or_404(Topic, slug=slug)
    articles = ArticlePage.objects.visible_to(request.user).filter(topics=topic)
    return _listing(request, _("Topic: %(name)s") % {"name": topic.name}, articles)


@login_not_required
def tag_articles(request, pk: int):
    """/kb/tags/<pk>/: the articles with a tag the reader may open."""
    from taggit.models import Tag

    tag = get_object_or_404(Tag, pk=pk)
    articles = ArticlePage.objects.visible_to(request.user).filter(tags=tag)
    return _listing(request, _("Tag: %(name)s") % {"name": tag.name}, articles)


# ----------------------------------------------------------- department overview


def overview(request):
    """/kb/overview/: freshness and helpfulness across the units (kb.overview)."""
    unit_ids = department.overview_unit_ids(request.user)
    if not unit_ids:
        raise PermissionDenied
    today = department.freshness.today_or(None)
    rows, total = department.unit_rows(unit_ids, today)
    unit_id = request.GET.get("unit", "")
    unit_id = int(unit_id) if unit_id.isdecimal() and int(unit_id) in unit_ids else None
    sort = request.GET.get("sort", department.DEFAULT_SORT)
    if sort not in department.SORTS:
        sort = department.DEFAULT_SORT
    stale = department.articles_needing_review(unit_ids, today)
    if unit_id is not None:
        stale = [a for a in stale if a.owner_unit_id == unit_id]
    drafts = department.waiting_drafts([unit_id] if unit_id else unit_ids)
    drafts = list(drafts.select_related("owner_unit").order_by("-latest_revision_created_at"))
    reviews = department.last_reviews([a.pk for a in stale])
    for article in stale:
        article.last_review = reviews.get(article.pk)
    return render(
        request,
        "kb/overview.html",
        {
            "rows": rows,
            "total": total,
            "stale": stale,
            "drafts": drafts,
            "helpfulness": department.helpfulness(unit_ids, sort, unit_id),
            "sort": sort,
            "unit_id": unit_id,
            "today": today,
            "units": [row.unit for row in rows],
        },
    )


@require_POST
def article_mark_reviewed(request, page_id: int):
    """«Отметить как проверенное» (kb.services.mark_reviewed): the owning unit's editors
    and head, the department head above it and administrators."""
    article = get_object_or_404(ArticlePage.objects.live(), pk=page_id)
    try:
        review.mark_reviewed(article, request.user)  # checks who may; logged in the history
    except review.ReviewRefused as refused:
        raise PermissionDenied from refused
    messages.success(
        request,
        _("«%(title)s» is marked as reviewed today; the next review is due on %(date)s.")
        % {
            "title": article.title,
            "date": f"{ArticlePage.objects.get(pk=article.pk).next_review_due:%d.%m.%Y}",
        },
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = article.get_url(request)
    return redirect(target)
