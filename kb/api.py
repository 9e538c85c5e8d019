"""Headless access to the knowledge base: Wagtail API v2 endpoint `/api/v2/kb/`.

Anonymous callers (other sites) get public articles only; signed-in staff get internal
articles too. The visibility rule is ArticlePage.objects.visible_to, as everywhere.
Answers are JSON only and errors are in Russian, as in the rest of the API."""

from django.http import Http404
from django.utils.translation import gettext
from rest_framework import status
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from intranet.api import api_router
from intranet.api_errors import NOT_FOUND

from . import freshness
from .models import ArticlePage, KnowledgeBaseSectionPage


class KnowledgeBaseQueryError(BadRequestError):
    """A filter of this endpoint with a wrong value; the message is in Russian."""


class KnowledgeBaseFilter(BaseFilterBackend):
    """?section=<id or slug>, ?kind=<kind>, ?topic=<slug>, ?tag=<name>, ?unit=<short name>,
    ?needs_review=true."""

    def filter_queryset(self, request, queryset, view):
        params = request.GET
        if section := params.get("section"):
            sections = KnowledgeBaseSectionPage.objects.live()
            found = (
                sections.filter(pk=int(section))
                if section.isdigit()
                else sections.filter(slug=section)
            ).first()
            if found is None:
                raise KnowledgeBaseQueryError(gettext("There is no such section."))
            queryset = queryset.child_of(found)
        if kind := params.get("kind"):
            if kind not in ArticlePage.Kind.values:
                raise KnowledgeBaseQueryError(
                    gettext("The parameter kind takes one of: %(kinds)s.")
                    % {"kinds": ", ".join(ArticlePage.Kind.values)}
                )
            queryset = queryset.filter(kind=kind)
        if topic := params.get("topic"):
            queryset = queryset.filter(topics__slug=topic)
        if tag := params.get("tag"):
            queryset = queryset.filter(tags__name=tag)
        if unit := params.get("unit"):
            queryset = queryset.filter(owner_unit__short_name=unit)
        if (flag := params.get("needs_review")) is not None:
            # Overdue or flagged: the rule of the dashboard and the digest (kb.freshness).
            if flag.lower() in {"1", "true", "yes"}:
                queryset = queryset.filter(freshness.review_condition())
            else:
                queryset = freshness.not_needing_review(queryset)
        return queryset.distinct() if (topic or tag) else queryset


class KnowledgeBaseAPIViewSet(PagesAPIViewSet):
    name = "kb"
    model = ArticlePage
    renderer_classes = [JSONRenderer]  # Wagtail adds DRF's English browsable pages
    # Public material is served to other sites without a session; the queryset decides.
    permission_classes = [AllowAny]
    filter_backends = [KnowledgeBaseFilter, *PagesAPIViewSet.filter_backends]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(
        ["section", "kind", "topic", "tag", "unit", "needs_review"]
    ).difference(["type"])
    listing_default_fields = PagesAPIViewSet.listing_default_fields + [
        "kind",
        "summary",
        "audience",
        "topics",
        "owner_unit",
        "last_reviewed_on",
        "next_review_due",
        "needs_review",
    ]

    def handle_exception(self, exc):
        """Wagtail answers {"message": ...} with English messages; this endpoint keeps the
        format in Russian: «Не найдено.» for a 404, its own filters' messages, and for
        Wagtail's checks of the other parameters (limit, offset, order, fields, unknown
        names) one message listing the parameters the endpoint accepts."""
        if isinstance(exc, Http404):
            return Response({"message": str(NOT_FOUND)}, status=status.HTTP_404_NOT_FOUND)
        if isinstance(exc, BadRequestError):
            if isinstance(exc, KnowledgeBaseQueryError):
                message = str(exc)
            else:
                names = sorted(n for n in self.known_query_parameters if not n.startswith("_"))
                message = gettext(
                    "Wrong query parameters. The parameters of this endpoint: %(names)s."
                ) % {"names": ", ".join(names)}
            return Response({"message": message}, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    @classmethod
    def get_available_fields(cls, model, db_fields_only=False):
        """`needs_review` is served as the rule of kb.freshness (overdue or flagged) and
        filtered by KnowledgeBaseFilter; Wagtail's own filter by the stored flag (it
        filters by every database field named in the query) would leave the overdue
        articles out again."""
        fields = super().get_available_fields(model, db_fields_only)
        if db_fields_only:
            fields = [name for name in fields if name != "needs_review"]
        return fields

    def get_queryset(self):
        return (
            ArticlePage.objects.visible_to(self.request.user)
            .select_related("owner_unit")
            .prefetch_related("topics", "legal_acts", "tagged_items__tag")
            .order_by("path")
        )


api_router.register_endpoint("kb", KnowledgeBaseAPIViewSet)
