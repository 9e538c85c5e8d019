"""The staff pages of acknowledgement sheets: the head's list and form, the sheet with
its exports, and the reader's «Ознакомлен(а)» (posted from the article page)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from intranet.keys import key_from
from kb.acknowledgements import exports, permissions, services
from kb.acknowledgements.forms import AssignForm
from kb.acknowledgements.models import Sheet
from kb.models import ArticlePage


def index(request):
    """The sheets of the units the user heads, with their progress."""
    if not permissions.can_keep_sheets(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    sheets = list(services.sheets_for(request.user)[:200])
    for item in sheets:
        item.overdue = item.confirmed < item.total and item.due_date < today
    return render(request, "acknowledgements/index.html", {"sheets": sheets})


@require_http_methods(["GET", "POST"])
def new(request):
    """Assign an article: to units, role groups or people, with a due date."""
    if not permissions.can_keep_sheets(request.user):
        raise PermissionDenied
    articles = services.articles_for(request.user)
    initial = {}
    wanted = request.GET.get("article", "")
    if (key := key_from(wanted)) is not None:
        article = ArticlePage.objects.filter(pk=key).first()
        if article is not None and not permissions.can_manage(request.user, article):
            raise PermissionDenied
        initial["article"] = article
    form = AssignForm(request.POST or None, articles=articles, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sheet = services.assign(
                data["article"], request.user, due_date=data["due_date"], units=data["units"],
                groups=data["groups"], people=data["people"], note=data["note"],
            )  # fmt: skip
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("The article is sent to %(count)s people for acknowledgement.")
                % {"count": sheet.lines.count()},
            )
            return redirect("acknowledgements:sheet", pk=sheet.pk)
    status = 400 if form.is_bound else 200
    return render(request, "acknowledgements/new.html", {"form": form}, status=status)


def sheet(request, pk: int):
    """The sheet: who has and has not confirmed, by unit; exports as XLSX and PDF."""
    item = get_object_or_404(Sheet.objects.select_related("article", "unit", "assigned_by"), pk=pk)
    if not permissions.can_manage(request.user, item.article):
        raise PermissionDenied
    item.article = item.article.specific
    today = timezone.localdate()
    groups = services.sheet_rows(item, today)
    export = request.GET.get("format")
    if export == "xlsx":
        return exports.xlsx(item, groups)
    if export == "pdf":
        return exports.pdf(item, groups)
    total = sum(group["total"] for group in groups)
    confirmed = sum(group["confirmed"] for group in groups)
    context = {
        "sheet": item, "groups": groups, "total": total, "confirmed": confirmed,
        "overdue": item.due_date < today and confirmed < total,
    }  # fmt: skip
    return render(request, "acknowledgements/sheet.html", context)


@require_POST
def confirm(request, page_id: int):
    """«Ознакомлен(а)»: only a person on a sheet of the article."""
    article = get_object_or_404(ArticlePage.objects.visible_to(request.user), pk=page_id)
    count = services.confirm(article, request.user)
    if count:
        messages.success(request, _("Thank you: your acknowledgement is recorded."))
    else:
        messages.info(request, _("You have already confirmed that you have read this article."))
    return redirect(f"{article.get_url(request)}#acknowledgement")
