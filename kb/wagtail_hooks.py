from django.contrib.auth.views import redirect_to_login
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .ownership import document_is_public
from .panels import ReviewPanel
from .viewsets import ArticleFeedbackViewSet, LegalActViewSet, TopicViewSet

register_snippet(LegalActViewSet)
register_snippet(TopicViewSet)


@hooks.register("register_admin_viewset")
def register_feedback_report():
    return ArticleFeedbackViewSet()


@hooks.register("construct_homepage_panels")
def add_review_panel(request, panels):
    panels.append(ReviewPanel(request.user))


@hooks.register("before_serve_document")
def documents_need_login_unless_public(document, request):
    """/documents/ is exempt from the site-wide login so that public KB material can
    link its attachments; every other document still needs a signed-in user."""
    if request.user.is_authenticated or document_is_public(document):
        return None
    return redirect_to_login(request.get_full_path())
