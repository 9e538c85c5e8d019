"""Quality review screens: the head's queue and review form, the unit settings, and the
executor's list of their reviews."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import AnswerKind, Case
from cases.quality import services
from cases.quality.forms import ReviewForm, ReworkForm, SettingsForm
from cases.quality.models import QualityReview


def _require_reviewer(request):
    if not services.reviewable_unit_ids(request.user):
        raise PermissionDenied


def queue(request):
    """Cases waiting for review, and the reviews done, for the reviewer's units."""
    _require_reviewer(request)
    page = Paginator(services.review_queue(request.user), 50).get_page(request.GET.get("page"))
    done = services.reviews_of_reviewer(request.user)[:20]
    return render(request, "quality/queue.html", {"page": page, "done": done})


def review(request, pk: int):
    case = get_object_or_404(Case.objects.select_related("unit", "executor", "answer"), pk=pk)
    if not services.can_review(request.user, case):
        raise Http404
    answer = getattr(case, "answer", None)
    refusal = answer is not None and answer.kind == AnswerKind.REFUSAL
    existing = QualityReview.objects.filter(case=case).first()
    form = ReviewForm(request.POST or None, refusal=refusal)
    status = 200
    if request.method == "POST" and existing is None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.review(
                    case, request.user,
                    scores={name: data[name] for name in form.points},
                    comment=data["comment"], rework=data["rework"],
                )  # fmt: skip
            except ValidationError as exc:
                for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("The review is saved."))
                return redirect("quality:queue")
        status = 400
    context = {"case": case, "answer": answer, "form": form, "existing": existing}
    return render(request, "quality/review.html", context, status=status)


def unit_settings(request):
    """The head sets the review sample of each unit they head."""
    from intranet.models import Unit

    _require_reviewer(request)
    units = Unit.objects.filter(pk__in=services.reviewable_unit_ids(request.user)).order_by(
        "sort_order", "name"
    )
    forms = []
    for unit in units:
        instance = services.settings_for(unit)
        prefix = f"u{unit.pk}"
        data = request.POST if request.POST.get("unit") == str(unit.pk) else None
        form = SettingsForm(data, instance=instance, prefix=prefix)
        if data is not None and form.is_valid():
            form.save()
            saved = _("The review settings of %(unit)s are saved.") % {"unit": unit}
            messages.success(request, saved)
            return redirect("quality:settings")
        forms.append((unit, form))
    return render(request, "quality/settings.html", {"forms": forms})


def mine(request):
    """The executor's reviews: scores, comments, open rework."""
    reviews = services.reviews_of_executor(request.user)
    page = Paginator(reviews, 50).get_page(request.GET.get("page"))
    return render(request, "quality/mine.html", {"page": page, "rework_form": ReworkForm()})


@require_POST
def rework_done(request, pk: int):
    item = get_object_or_404(QualityReview.objects.select_related("case"), pk=pk)
    if item.executor_id != request.user.pk:
        raise Http404
    form = ReworkForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what was done."))
        services.complete_rework(item, request.user, form.cleaned_data["note"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The rework is recorded."))
    return redirect("quality:mine")
