from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import FeedbackForm
from .models import ArticlePage
from .services import record_feedback


@require_POST
def article_feedback(request, page_id: int):
    """«Был ли материал полезен?»: a signed-in reader's yes/no and comment."""
    article = get_object_or_404(ArticlePage.objects.visible_to(request.user), pk=page_id)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        record_feedback(
            article, request.user, form.cleaned_data["helpful"], form.cleaned_data["comment"]
        )
        messages.success(
            request, _("Thank you! Your feedback goes to the unit that keeps this article.")
        )
    else:
        messages.error(request, _("Please answer «yes» or «no»."))
    return redirect(f"{article.get_url(request)}#feedback")
