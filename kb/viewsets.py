"""Admin screens of the knowledge base: legal acts and topics (snippets), and the
readers' feedback report, which each unit sees for its own articles only."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from intranet.admin_display import display_value, yes_no_column
from intranet.exports import SafeSpreadsheetExportMixin

from .models import ArticleFeedback, LegalAct, Topic


class LegalActFilterSet(WagtailFilterSet):
    class Meta:
        model = LegalAct
        fields = ["kind", "status"]


class LegalActIndexView(SafeSpreadsheetExportMixin, SnippetIndexView):
    pass


class LegalActViewSet(SnippetViewSet):
    model = LegalAct
    index_view_class = LegalActIndexView
    icon = "doc-full-inverse"
    menu_label = _("Legal acts")
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "kb/legal-acts"
    list_display = ["title", "kind", "number", "date", "status", "status_changed_on"]
    list_export = [
        "kind",
        "number",
        "date",
        "title",
        "in_force_from",
        "status",
        "status_changed_on",
        "url",
    ]
    search_fields = ["title", "number"]
    filterset_class = LegalActFilterSet
    ordering = ["-date"]
    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("number"), FieldPanel("date")]),
        FieldPanel("url"),
        FieldRowPanel(
            [FieldPanel("in_force_from"), FieldPanel("status"), FieldPanel("status_changed_on")]
        ),
        FieldPanel("note"),
    ]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Knowledge base topics")
    url_prefix = "kb/topics"
    list_display = ["name", "slug", "sort_order"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]


class ArticleFeedbackFilterSet(WagtailFilterSet):
    class Meta:
        model = ArticleFeedback
        fields = ["unit", "helpful", "created_at"]


class ArticleFeedbackIndexView(SafeSpreadsheetExportMixin, IndexView):
    # The spreadsheet says «да»/«нет» too, as the listing does.
    custom_field_preprocess = {
        "helpful": {
            IndexView.FORMAT_CSV: display_value,
            IndexView.FORMAT_XLSX: display_value,
        }
    }

    def get_base_queryset(self):
        # Listing and export alike: only the feedback of the user's units.
        return ArticleFeedback.objects.for_user(self.request.user).select_related("article", "unit")


class ArticleFeedbackViewSet(ModelViewSet):
    """«Был ли материал полезен?» by owner unit. Read-only for editors and heads; the
    queryset holds only the feedback of the units the user edits or heads."""

    model = ArticleFeedback
    name = "kb_feedback"
    url_prefix = "kb/feedback"
    icon = "comment"
    menu_label = _("Article feedback")
    menu_order = 260
    add_to_admin_menu = True
    list_display = [
        "article",
        yes_no_column(ArticleFeedback, "helpful"),
        "comment",
        "unit",
        "created_at",
    ]
    list_export = ["article", "helpful", "comment", "unit", "created_at"]
    search_fields = ["comment", "article__title"]
    filterset_class = ArticleFeedbackFilterSet
    ordering = ["-created_at"]
    form_fields = ["helpful", "comment"]
    index_view_class = ArticleFeedbackIndexView
