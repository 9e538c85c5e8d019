"""A refused deletion of a document that a page's draft uses (kb.attachments) shown to
the person who tried, as a message on the page they came from: Wagtail's admin turns
every `PermissionDenied` into its generic «no access» redirect, which would not say
why or what to do."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .attachments import DocumentInDraft


class DocumentInDraftMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DocumentInDraft):
            return None
        from wagtail.admin import messages

        messages.error(request, str(exception))
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("wagtaildocs:index")
        return redirect(back)
