from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.consultations import services
from cases.consultations.forms import ConsultationForm
from cases.consultations.models import Outcome
from cases.topics import Topic


def _require(request):
    if not services.can_log(request.user):
        raise PermissionDenied


def log(request):
    """The log of consultations with filters, and the form to record one."""
    _require(request)
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record(form, request.user)
        messages.success(request, _("The consultation is recorded."))
        return redirect("consultations:log")
    items = services.visible_to(request.user)
    topic, outcome = request.GET.get("topic", ""), request.GET.get("outcome", "")
    if topic in Topic.values:
        items = items.filter(topic=topic)
    if outcome in Outcome.values:
        items = items.filter(outcome=outcome)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    context = {
        "form": form, "page": page, "topics": Topic.choices, "outcomes": Outcome.choices,
        "topic": topic, "outcome": outcome,
    }  # fmt: skip
    return render(request, "consultations/log.html", context, status=400 if form.errors else 200)


@require_GET
def suggest(request):
    """KB articles and typical answers for the question being typed (JSON)."""
    _require(request)
    items = services.suggestions(request.user, request.GET.get("q", "")[:500], request=request)
    return JsonResponse({"results": items}, json_dumps_params={"ensure_ascii": False})
