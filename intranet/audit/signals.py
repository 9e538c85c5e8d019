"""Events recorded without anyone calling audit.record: sign-in, sign-out, failed
sign-in, lockout, and every change of who may do what (groups, permissions, the
superuser/staff/active flags, Wagtail page and collection permissions)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from intranet.audit.log import record
from intranet.audit.models import AuditAction

User = get_user_model()
ACCOUNT_FLAGS = ("is_superuser", "is_staff", "is_active")


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender, request, user, **kwargs):
    record(request, AuditAction.LOGIN, user, actor=user)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(request, AuditAction.LOGOUT, user, actor=user)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials` with asterisks.
    username = str(credentials.get("username") or credentials.get(User.USERNAME_FIELD) or "")
    account = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    details = {"username": username[:150]}
    if request is not None and getattr(request, "axes_locked_out", False):
        details["locked_out"] = True
    record(request, AuditAction.LOGIN_FAILED, account, actor_repr=username, **details)


try:
    from axes.signals import user_locked_out
except ImportError:  # pragma: no cover - axes is a hard dependency; keep imports safe
    user_locked_out = None

if user_locked_out is not None:

    @receiver(user_locked_out, dispatch_uid="audit-locked-out")
    def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
        account = User._default_manager.filter(**{User.USERNAME_FIELD: username or ""}).first()
        record(
            request,
            AuditAction.LOCKED_OUT,
            account,
            actor_repr=str(username or ""),
            username=str(username or "")[:150],
        )


def _names(model, pk_set):
    if not pk_set:
        return []
    if model is Permission:
        rows = model.objects.filter(pk__in=pk_set).select_related("content_type")
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in rows)
    return sorted(str(obj) for obj in model.objects.filter(pk__in=pk_set))


def _m2m_receiver(what: str, change_action: str):
    """A receiver for one m2m relation. Both directions are recorded against the
    object on the left of the relation (the user for groups, the group for
    permissions), one event per changed object."""

    def receiver_(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action == "pre_clear":
            # The set is gone after the clear: remember it now.
            if reverse:
                instance._audit_cleared = {what: list(_reverse_owner_pks(sender, instance))}
            else:
                instance._audit_cleared = {what: list(_forward_pks(sender, instance))}
            return
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        if action == "post_clear":
            pk_set = set(getattr(instance, "_audit_cleared", {}).get(what, []))
            verb = "removed"
            if not pk_set:
                return
        else:
            verb = "added" if action == "post_add" else "removed"
        if not pk_set:
            return
        if not reverse:
            record(None, change_action, instance, relation=what, **{verb: _names(model, pk_set)})
        else:
            for owner in model._default_manager.filter(pk__in=pk_set):
                record(None, change_action, owner, relation=what, **{verb: [str(_label(instance))]})

    return receiver_


def _label(obj):
    if isinstance(obj, Permission):
        return f"{obj.content_type.app_label}.{obj.codename}"
    return obj


def _forward_pks(through, instance):
    source, target = _through_fields(through, type(instance))
    return through.objects.filter(**{source: instance.pk}).values_list(target, flat=True)


def _reverse_owner_pks(through, instance):
    target, source = _through_fields(through, type(instance))
    return through.objects.filter(**{target: instance.pk}).values_list(source, flat=True)


def _through_fields(through, model):
    """(column of `model`, column of the other side) in an auto-created through table."""
    fks = [f for f in through._meta.fields if f.is_relation]
    mine = next(f for f in fks if f.related_model is model or issubclass(model, f.related_model))
    other = next(f for f in fks if f is not mine)
    return mine.attname, other.attname


m2m_changed.connect(
    _m2m_receiver("groups", AuditAction.GROUPS_CHANGED),
    sender=User.groups.through,
    weak=False,
    dispatch_uid="audit-user-groups",
)
m2m_changed.connect(
    _m2m_receiver("user_permissions", AuditAction.PERMISSIONS_CHANGED),
    sender=User.user_permissions.through,
    weak=False,
    dispatch_uid="audit-user-permissions",
)
m2m_changed.connect(
    _m2m_receiver("permissions", AuditAction.PERMISSIONS_CHANGED),
    sender=Group.permissions.through,
    weak=False,
    dispatch_uid="audit-group-permissions",
)


@receiver(pre_save, sender=User, dispatch_uid="audit-user-flags-before")
def _remember_flags(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._audit_old_flags = None
        return
    old = sender._default_manager.filter(pk=instance.pk).values(*ACCOUNT_FLAGS).first()
    instance._audit_old_flags = old


@receiver(post_save, sender=User, dispatch_uid="audit-user-flags-after")
def _record_flags(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    old = getattr(instance, "_audit_old_flags", None)
    if created or old is None:
        changes = {f: [None, getattr(instance, f)] for f in ("is_superuser", "is_staff")}
        changes = {f: v for f, v in changes.items() if v[1]}
    else:
        changes = {
            f: [old[f], getattr(instance, f)]
            for f in ACCOUNT_FLAGS
            if old[f] != getattr(instance, f)
        }
    if changes:
        record(None, AuditAction.ACCOUNT_FLAGS_CHANGED, instance, created=created, changes=changes)


def _wagtail_permission_receiver(kind: str):
    def receiver_(sender, instance, created=None, **kwargs):
        if kwargs.get("raw"):
            return
        verb = "removed" if created is None else ("added" if created else "changed")
        try:
            target = getattr(instance, kind)
            group = instance.group
        except ObjectDoesNotExist:  # the group or page itself is being deleted
            return
        record(
            None,
            AuditAction.PERMISSIONS_CHANGED,
            group,
            relation=f"{kind}_permissions",
            **{
                verb: [
                    f"{instance.permission.content_type.app_label}.{instance.permission.codename}"
                ]
            },
            **{kind: str(target), f"{kind}_id": target.pk},
        )

    return receiver_


def _connect_wagtail():
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    for model, kind in ((GroupPagePermission, "page"), (GroupCollectionPermission, "collection")):
        handler = _wagtail_permission_receiver(kind)
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"audit-{kind}-perm-save")
        post_delete.connect(
            handler, sender=model, weak=False, dispatch_uid=f"audit-{kind}-perm-del"
        )


_connect_wagtail()
