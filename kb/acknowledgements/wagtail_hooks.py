from wagtail import hooks

from kb.acknowledgements import services
from kb.models import ArticlePage

# The checkbox of the article's edit form (templates/acknowledgements/admin/
# substantial_change_panel.html) and the hidden field that says the form showed it.
FIELD = "acknowledge_again"
SHOWN = "acknowledge_again_shown"


@hooks.register("before_edit_page")
def remember_substantial_change(request, page):
    """The editor's «существенное изменение — ознакомить заново», kept until the next
    publication (kb.acknowledgements.services.published), whether that is this save's
    «Опубликовать» or the head's approval later."""
    if request.method != "POST" or SHOWN not in request.POST:
        return None
    if not isinstance(page.specific_deferred, ArticlePage):
        return None
    services.mark_substantial(page, request.user, bool(request.POST.get(FIELD)))
    return None
