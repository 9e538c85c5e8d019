from django.contrib import messages
from django.http import Http404
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
from .attachments import grace_period
from .forms import FeedbackForm
from .models import ArticlePage, KnowledgeBaseSectionPage, UnitWorkflow
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
            publishes=self.article.permissions_for_user(user).can_publish(),
            today=timezone.localdate(),
        )
        return context

    def post(self, request, *args, **kwargs):
        edit_url = reverse("wagtailadmin_pages:edit", args=[self.article.pk])
        try:
            outcome = review.mark_reviewed(self.article, request.user)
        except review.ReviewRefused as refused:
            messages.error(request, str(refused))
            return redirect(edit_url)
        date = f"{outcome.reviewed_on:%d.%m.%Y}"
        if outcome.published:
            messages.success(
                request,
                _("The article is marked as reviewed on %(date)s and published.") % {"date": date},
            )
        else:
            messages.success(
                request,
                _(
                    "The review of %(date)s is sent to the head for approval; the article's "
                    "«needs review» mark is cleared when the head approves it."
                )
                % {"date": date},
            )
        return redirect(edit_url)
