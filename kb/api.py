"""Headless access to the knowledge base: Wagtail API v2 endpoint `/api/v2/kb/`.

Anonymous callers (other sites) get public articles only; signed-in staff get internal
articles too. The visibility rule is ArticlePage.objects.visible_to, as everywhere.
Other systems send an API key (`Authorization: Api-Key <key>`, kb.integrations): its
scope decides what they read, each key has its rate limit, every use is in the audit
log. Answers carry ETag and Last-Modified and answer conditional requests with 304
(kb.integrations.conditional). Answers are JSON only and errors are in Russian, as in
the rest of the API; the OpenAPI schema describes the listing and the detail
(docs/kb_api.md)."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, status
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from intranet.api import api_router
from intranet.api_errors import NOT_FOUND, SessionAuthentication
from intranet.keys import key_from

from . import freshness
from .integrations import conditional, keys
from .integrations.authentication import (
    THROTTLED,
    ApiKeyAuthentication,
    ApiKeyRateThrottle,
    record_use,
)
from .integrations.models import ApiKey
from .models import ArticlePage, KnowledgeBaseSectionPage, hidden_paths
from .serializers import (
    KINDS,
    ArticleDetailSerializer,
    ArticleListSerializer,
    KnowledgeBaseErrorSerializer,
)


class KnowledgeBaseQueryError(BadRequestError):
    """A filter of this endpoint with a wrong value; the message is in Russian."""


class KnowledgeBaseFilter(BaseFilterBackend):
    """?section=<id or slug>, ?kind=<kind>, ?topic=<slug>, ?tag=<name>, ?unit=<short name>,
    ?needs_review=true."""

    def filter_queryset(self, request, queryset, view):
        params = request.GET
        if section := params.get("section"):
            sections = KnowledgeBaseSectionPage.objects.live()
            key = key_from(section)
            found = (
                sections.filter(pk=key) if key is not None else sections.filter(slug=section)
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


# --- the OpenAPI description ----------------------------------------------------------


def _error(description):
    return OpenApiResponse(KnowledgeBaseErrorSerializer, description=description)


ERRORS = {
    304: OpenApiResponse(
        description="Not modified: the `If-None-Match` sent holds the answer's `ETag`, or "
        "(without `If-None-Match`) nothing changed since `If-Modified-Since`. No body."
    ),
    400: _error("A query parameter is wrong; the message lists the accepted ones."),
    401: _error("The API key is unknown or revoked (`WWW-Authenticate: Api-Key`)."),
    404: _error("No such article among those the caller may read."),
    429: _error("Too many requests with this key; `Retry-After` says in how many seconds."),
    503: OpenApiResponse(
        {"type": "object", "properties": {"detail": {"type": "string"}}},
        description="The database is unavailable: try again after `Retry-After` seconds.",
    ),
}
CONDITIONAL_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="The `ETag` of the copy the caller holds: 304 while it is current.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="The `Last-Modified` of the copy the caller holds (an HTTP date); "
        "ignored when `If-None-Match` is sent.",
    ),
]
FILTERS = [
    OpenApiParameter("section", OpenApiTypes.STR, description="A section's id or slug."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=KINDS, description="The article's kind."),
    OpenApiParameter("topic", OpenApiTypes.STR, description="A topic's slug."),
    OpenApiParameter("tag", OpenApiTypes.STR, description="A tag."),
    OpenApiParameter("unit", OpenApiTypes.STR, description="The owner unit's short name."),
    OpenApiParameter(
        "needs_review",
        OpenApiTypes.STR,
        enum=["true", "false"],
        description="Flagged for review (a cited act amended or repealed), or not.",
    ),
    OpenApiParameter("search", OpenApiTypes.STR, description="Words to search for."),
    OpenApiParameter(
        "limit", OpenApiTypes.INT, description="Articles per page (at most 100; 20 by default)."
    ),
    OpenApiParameter("offset", OpenApiTypes.INT, description="Articles to skip."),
]
UNIT_EXAMPLE = {
    "id": 3,
    "name": "Отдел по работе со сведениями о доходах, расходах, об имуществе",
    "short_name": "ОДС",
    "phone": "+7 (812) 539-40-22",
    "email": "unit2@example.gov.ru",
}
LISTING_ITEM_EXAMPLE = {
    "id": 18,
    "meta": {
        "type": "kb.ArticlePage",
        "detail_url": "https://intranet.example.gov.ru/api/v2/kb/18/",
        "html_url": "https://intranet.example.gov.ru/anticorruption/declarations/spravka-v-otpuske/",
        "slug": "spravka-v-otpuske",
        "first_published_at": "2026-10-28T10:15:00+03:00",
    },
    "title": "30 апреля я буду в отпуске. Можно ли сдать справку позже?",
    "kind": "faq",
    "summary": "Нет: отпуск и больничный не продлевают срок. Сдайте справку заранее.",
    "audience": "public",
    "topics": [{"id": 2, "name": "Справки о доходах", "slug": "declarations"}],
    "owner_unit": UNIT_EXAMPLE,
    "last_reviewed_on": "2026-10-28",
    "next_review_due": "2027-10-28",
    "needs_review": False,
}
DETAIL_EXAMPLE = {
    **LISTING_ITEM_EXAMPLE,
    "meta": {
        **LISTING_ITEM_EXAMPLE["meta"],
        "show_in_menus": False,
        "seo_title": "",
        "search_description": "",
        "alias_of": None,
        "parent": {
            "id": 9,
            "meta": {
                "type": "kb.KnowledgeBaseSectionPage",
                "html_url": "https://intranet.example.gov.ru/anticorruption/declarations/",
            },
            "title": "Справки о доходах, расходах, об имуществе",
        },
    },
    "tags": ["справка о доходах", "отпуск"],
    "legal_acts": [
        {
            "id": 1,
            "citation": "Федеральный закон от 25.12.2008 № 273-ФЗ «О противодействии коррупции»",
            "kind": "federal_law",
            "number": "273-ФЗ",
            "date": "2008-12-25",
            "url": "",
            "status": "in_force",
            "status_changed_on": None,
        }
    ],
    "review_interval_days": 365,
    "review_reason": "",
    "answer_code": None,
    "answer_text": "",
    "body": [
        {
            "type": "paragraph",
            "value": "<p>Сдайте справку до ухода в отпуск или отправьте её по почте.</p>",
            "id": "0fb255b0-e30a-4213-83c9-835666809a3e",
        }
    ],
}
COMMON = (
    "Anonymous callers get public articles; a signed-in session gets what its user may "
    "read; an API key gets what its scope allows (public: public articles; internal: "
    "internal articles too, except those restricted to groups). Typical answers are never "
    "served to a key. The answer carries `ETag` and `Last-Modified`; send them back in "
    "`If-None-Match` / `If-Modified-Since` to get 304 while nothing changed."
)


class KnowledgeBaseAPIViewSet(PagesAPIViewSet):
    name = "kb"
    model = ArticlePage
    renderer_classes = [JSONRenderer]  # Wagtail adds DRF's English browsable pages
    # Public material is served to other sites without a session; the queryset decides.
    permission_classes = [AllowAny]
    # An API key first (other systems), else the session (staff in the browser).
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    throttle_classes = [ApiKeyRateThrottle]
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

    @extend_schema(
        operation_id="kb_articles_list",
        summary="List knowledge base articles",
        description=COMMON,
        parameters=[*FILTERS, *CONDITIONAL_HEADERS],
        responses={
            200: ArticleListSerializer,
            **{code: ERRORS[code] for code in (304, 400, 401, 429, 503)},
        },
        examples=[
            OpenApiExample(
                "Public articles",
                value={"meta": {"total_count": 1}, "items": [LISTING_ITEM_EXAMPLE]},
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Revoked key",
                value={"message": "Ключ API отозван. Запросите новый у администраторов портала."},
                response_only=True,
                status_codes=["401"],
            ),
            OpenApiExample(
                "Too many requests",
                value={"message": "Слишком много запросов с этим ключом. Повторите через 12 с."},
                response_only=True,
                status_codes=["429"],
            ),
        ],
        tags=["kb"],
    )
    def listing_view(self, request):
        return super().listing_view(request)

    @extend_schema(
        operation_id="kb_articles_retrieve",
        summary="A knowledge base article",
        description=COMMON,
        parameters=[
            OpenApiParameter(
                "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The article's id."
            ),
            *CONDITIONAL_HEADERS,
        ],
        responses={
            200: ArticleDetailSerializer,
            **{code: ERRORS[code] for code in (304, 401, 404, 429, 503)},
        },
        examples=[
            OpenApiExample(
                "An article", value=DETAIL_EXAMPLE, response_only=True, status_codes=["200"]
            ),
            OpenApiExample(
                "Not among the caller's articles",
                value={"message": "Не найдено."},
                response_only=True,
                status_codes=["404"],
            ),
        ],
        tags=["kb"],
    )
    def detail_view(self, request, pk):
        return super().detail_view(request, pk)

    def finalize_response(self, request, response, *args, **kwargs):
        """The validators, caching headers and 304 (kb.integrations.conditional), and
        the audit record of a request made with a key."""
        response = super().finalize_response(request, response, *args, **kwargs)
        api_key = getattr(request, "auth", None)
        if response.status_code == 200:
            response = conditional.finish(
                request,
                response,
                hidden=self._hidden(),
                private=isinstance(api_key, ApiKey) or request.user.is_authenticated,
            )
        record_use(request, response)
        return response

    def _hidden(self) -> tuple[str, ...]:
        """The subtrees hidden from the caller (read once per request)."""
        if not hasattr(self, "_hidden_paths"):
            api_key = getattr(self.request, "auth", None)
            self._hidden_paths = (
                (f"key:{api_key.scope}", *keys.hidden_paths(api_key.scope))
                if isinstance(api_key, ApiKey)
                else hidden_paths(self.request.user)
            )
        return self._hidden_paths

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
        if isinstance(exc, exceptions.AuthenticationFailed):
            return Response(
                {"message": str(exc.detail)},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": ApiKeyAuthentication().authenticate_header(None)},
            )
        if isinstance(exc, exceptions.Throttled):
            wait = max(int(exc.wait or 1), 1)
            return Response(
                {"message": str(THROTTLED) % {"seconds": wait}},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(wait)},
            )
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
        api_key = getattr(self.request, "auth", None)
        if isinstance(api_key, ApiKey):
            articles = keys.articles_for(api_key, self._hidden()[1:])
        else:
            articles = ArticlePage.objects.visible_to(self.request.user, self._hidden())
        return (
            articles.select_related("owner_unit")
            .prefetch_related("topics", "legal_acts", "tagged_items__tag")
            .order_by("path")
        )


api_router.register_endpoint("kb", KnowledgeBaseAPIViewSet)
