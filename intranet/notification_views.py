"""The notifications page (/notifications/): the person's notifications, newest first
and paginated, unread ones marked; opening one marks it read and goes to its link;
"mark all read"; the choice of e-mail (at once, daily digest, none). Each person sees
and changes only their own (login required by the middleware)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from intranet import notifications
from intranet.models import EmailChoice, Notification

PAGE_SIZE = 25


class EmailChoiceForm(forms.Form):
    email = forms.ChoiceField(
        label=gettext_lazy("Notifications by e-mail"),
        choices=EmailChoice.choices,
        widget=forms.RadioSelect,
    )


@require_http_methods(["GET", "POST"])
def notification_list(request):
    user = request.user
    if request.method == "POST":
        form = EmailChoiceForm(request.POST)
        if form.is_valid():
            notifications.set_email_choice(user, form.cleaned_data["email"])
            messages.success(request, _("Your choice is saved."))
            return redirect("notifications")
    else:
        form = EmailChoiceForm(initial={"email": notifications.email_choice(user)})
    items = Notification.objects.filter(recipient_id=user.pk).only(
        "pk", "text", "created_at", "read_at"
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "intranet/notifications.html",
        {"page": page, "form": form, "has_email": bool(user.email)},
        status=400 if form.is_bound else 200,
    )


def open_notification(request, pk: int):
    """Mark the notification read and go where it points."""
    notification = get_object_or_404(Notification, pk=pk, recipient_id=request.user.pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    url = notification.url
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = "/notifications/"
    return redirect(url)


@require_POST
def mark_all_read(request):
    count = notifications.mark_read(request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications")
