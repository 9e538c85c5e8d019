from wagtail import hooks
from wagtail.permissions import register_permission_policy

from intranet.audit.models import AuditEvent
from intranet.audit.views import AuditEventViewSet, ReadOnlyPermissionPolicy

register_permission_policy(AuditEvent, ReadOnlyPermissionPolicy(AuditEvent), exact_class=True)


@hooks.register("register_admin_viewset")
def register_audit_log():
    return AuditEventViewSet("audit_events")
