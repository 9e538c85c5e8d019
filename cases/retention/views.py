from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.retention import services
from cases.retention.forms import ActForm, CaseFileForm
from cases.retention.models import CaseFile, DestructionAct


def index(request):
    """The nomenclature with counts, the files due for a destruction review, the acts;
    registrars add files."""
    if not services.can_view(request.user):
        raise PermissionDenied
    form = CaseFileForm(request.POST or None) if services.can_manage(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            form.save()
            messages.success(request, _("The case file is added."))
            return redirect("retention:index")
    today = timezone.localdate()
    files = list(services.files_with_counts())
    for case_file in files:
        case_file.due = case_file.is_due(today)
    acts = DestructionAct.objects.select_related(
        "case_file", "drafted_by", "approved_by", "executed_by"
    )[:50]
    context = {
        "files": files, "acts": acts, "form": form,
        "unfiled": services.unfiled_count(), "can_manage": services.can_manage(request.user),
        "can_approve": services.can_approve(request.user),
    }  # fmt: skip
    return render(
        request, "retention/index.html", context, status=400 if form and form.errors else 200
    )


def _run(request, action, *args, success):
    try:
        action(*args)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("retention:index")


@require_POST
def draft(request, pk: int):
    if not services.can_manage(request.user):
        raise PermissionDenied
    case_file = get_object_or_404(CaseFile, pk=pk)
    form = ActForm(request.POST)
    reason = form.data.get("reason", "")
    return _run(request, services.draft_act, case_file, request.user, reason,
                success=_("The destruction act is drafted; a head must approve it."))  # fmt: skip


@require_POST
def approve(request, pk: int):
    if not services.can_approve(request.user):
        raise PermissionDenied
    act = get_object_or_404(DestructionAct, pk=pk)
    return _run(request, services.approve_act, act, request.user,
                success=_("The destruction act is approved."))  # fmt: skip


@require_POST
def execute(request, pk: int):
    if not services.can_manage(request.user):
        raise PermissionDenied
    act = get_object_or_404(DestructionAct, pk=pk)
    return _run(request, services.execute_act, act, request.user, request,
                success=_("The cases of the act are destroyed and logged."))  # fmt: skip
