"""Knowledge gaps per owning unit, for the unit's KB editors and heads, and the
"create an FAQ article" action (an unpublished draft in the unit's section)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.consultations import gaps


def _units(request):
    from kb.ownership import units_of

    units = {u.pk: u for u in units_of(request.user)}
    if not units:
        raise PermissionDenied
    return units


@login_required
def gap_list(request):
    units = _units(request)
    by_unit = gaps.gaps_for_units(units)
    rows = [(units[pk], by_unit.get(pk, [])) for pk in sorted(units)]
    return render(request, "consultations/gaps.html", {"rows": rows})


def create_faq_draft(user, unit_id: int, key: str):
    """The draft FAQ article for the gap `key` of unit `unit_id` (not published)."""
    from kb.models import ArticlePage, KnowledgeBaseSectionPage
    from kb.ownership import units_of

    if unit_id not in {u.pk for u in units_of(user)}:
        raise PermissionDenied
    group = next((g for g in gaps.find_gaps() if g.unit_id == unit_id and g.key == key), None)
    if group is None:
        raise Http404
    section = KnowledgeBaseSectionPage.objects.filter(owner_unit_id=unit_id).first()
    if section is None:
        raise Http404
    questions = "\n".join(f"— {q.display}" for q in group.questions[:10])
    from intranet.slugs import free_slug, slug_from

    title = group.sample[:250]
    page = ArticlePage(
        title=title,
        slug=free_slug(slug_from(title), section.get_children()),
        kind=ArticlePage.Kind.FAQ,
        summary=_("Questions asked %(n)d times:") % {"n": len(group.questions)} + "\n" + questions,
        live=False,
        owner=user,
    )
    section.add_child(instance=page)
    page.save_revision(user=user)
    return page


@login_required
@require_POST
def faq_draft(request, unit_id: int, key: str):
    _units(request)
    page = create_faq_draft(request.user, unit_id, key)
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
