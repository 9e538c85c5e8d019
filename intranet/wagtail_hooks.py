from django.contrib.auth.views import redirect_to_login
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from intranet.audit.views import ReadOnlyPermissionPolicy
from intranet.models import OutgoingMessage
from intranet.outbox_admin import OutgoingMessageViewSet
from intranet.viewsets import OrganisationGroup

# Wagtail's own views only read the outbox; sending again and closing are the outbox
# admin's own views, with their own permission (intranet.outbox_admin).
register_permission_policy(
    OutgoingMessage, ReadOnlyPermissionPolicy(OutgoingMessage), exact_class=True
)


@hooks.register("register_admin_viewset")
def register_organisation():
    return OrganisationGroup()


@hooks.register("register_admin_viewset")
def register_outbox():
    return OutgoingMessageViewSet("outbox")


@hooks.register("before_serve_page")
def require_login_for_pages(page, request, serve_args, serve_kwargs):
    """The intranet is behind a login. A page type may open itself to anonymous
    visitors by defining `is_public_for(request) -> bool` (public KB material does)."""
    if request.user.is_authenticated:
        return None
    is_public = getattr(page.specific, "is_public_for", None)
    if is_public is not None and is_public(request):
        return None
    return redirect_to_login(request.get_full_path())
