"""Who may do what with acknowledgement sheets (docs/knowledge_base.md):

- assign an article and see its sheets: the head of the unit that owns the article (the
  unit's `head` or its heads' group) and administrators; nobody else, not the editors,
  not the heads of other units;
- confirm «Ознакомлен(а)»: only a person with a line on a sheet of the article;
- internal clients are never put on a sheet, and anonymous visitors get nothing."""

from __future__ import annotations

from django.db.models import Q

from intranet import roles
from intranet.models import Unit

# The kinds of article a sheet is for: положения, порядки, регламенты, инструкции.
APPLICABLE_KINDS = ("provision", "procedure", "regulation", "admin_regulation", "instruction")


def is_administrator(user) -> bool:
    return user.is_authenticated and user.has_role(roles.ADMINISTRATORS)


def headed_units(user):
    """The units whose head `user` is (administrators: every unit)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if is_administrator(user):
        return Unit.objects.all()
    return Unit.objects.filter(Q(head=user) | Q(heads_group__user=user)).distinct()


def keeper_units(user):
    """The units owning KB sections whose sheets `user` keeps."""
    return headed_units(user).filter(kb_sections__isnull=False).distinct()


def can_keep_sheets(user) -> bool:
    """May open the list of sheets and the assignment form."""
    return keeper_units(user).exists()


def can_manage(user, article) -> bool:
    """May assign `article` and see its sheets."""
    if not user.is_authenticated or article.owner_unit_id is None:
        return False
    return headed_units(user).filter(pk=article.owner_unit_id).exists()


def is_applicable(article) -> bool:
    return article.kind in APPLICABLE_KINDS


def eligible_people():
    """Who may be put on a sheet: active accounts of the body's staff (internal clients
    are other bodies' people: never asked to sign our sheets)."""
    from intranet.accounts.models import User

    return User.objects.filter(is_active=True).exclude(groups__name=roles.CLIENTS)


def assignable_groups():
    """The role groups a head may choose (not the internal clients)."""
    from django.contrib.auth.models import Group

    names = [name for name in roles.ALL_ROLES if name != roles.CLIENTS]
    return Group.objects.filter(name__in=names).order_by("name")
