"""API representations of the objects nested in KB pages (Wagtail API v2, kb.api).
Plain serializers, so that kb.models can use them without an import cycle."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


@extend_schema_serializer(component_name="KnowledgeBaseTopic")
class TopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


@extend_schema_serializer(component_name="KnowledgeBaseUnit")
class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


@extend_schema_serializer(component_name="KnowledgeBaseLegalAct")
class LegalActSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    citation = serializers.CharField()
    kind = serializers.CharField()
    number = serializers.CharField()
    date = serializers.DateField()
    url = serializers.CharField()
    status = serializers.CharField()
    status_changed_on = serializers.DateField(allow_null=True)


# --- the OpenAPI description of /api/v2/kb/ (kb.api) ------------------------------------
#
# Wagtail builds its answers with serializers of its own, made per request from
# `ArticlePage.api_fields`; these describe the same JSON for drf-spectacular (the schema
# at /api/schema/, the docs at /api/docs/), and schemathesis holds the answers to them.

KINDS = [
    "provision",
    "procedure",
    "regulation",
    "admin_regulation",
    "instruction",
    "typical_answer",
    "template",
    "faq",
]
AUDIENCES = ["internal", "public"]


class ArticleMetaSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Always `kb.ArticlePage`.")
    detail_url = serializers.URLField(help_text="This article in the API.")
    html_url = serializers.URLField(allow_null=True, help_text="The article on the portal.")
    slug = serializers.CharField()
    first_published_at = serializers.DateTimeField(allow_null=True)


class ArticleListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meta = ArticleMetaSerializer()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=KINDS)
    summary = serializers.CharField(allow_blank=True)
    audience = serializers.ChoiceField(choices=AUDIENCES)
    topics = TopicSerializer(many=True)
    owner_unit = UnitSerializer(allow_null=True)
    last_reviewed_on = serializers.DateField(allow_null=True)
    next_review_due = serializers.DateField(allow_null=True)
    needs_review = serializers.BooleanField(
        help_text="Flagged for review (a cited act was amended or repealed). An article "
        "past its review date keeps `needs_review` false: compare `next_review_due`."
    )


class ListingMetaSerializer(serializers.Serializer):
    total_count = serializers.IntegerField(help_text="Articles matching, on every page.")


class ArticleListSerializer(serializers.Serializer):
    meta = ListingMetaSerializer()
    items = ArticleListingSerializer(many=True)


class ParentPageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meta = serializers.DictField(help_text="`type` and `html_url` of the section.")
    title = serializers.CharField()


class ArticleDetailMetaSerializer(ArticleMetaSerializer):
    show_in_menus = serializers.BooleanField()
    seo_title = serializers.CharField(allow_blank=True)
    search_description = serializers.CharField(allow_blank=True)
    alias_of = serializers.DictField(allow_null=True)
    parent = ParentPageSerializer(allow_null=True, help_text="The article's section.")


class BodyBlockSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="heading, paragraph, steps, table, callout, document, …")
    value = serializers.JSONField(help_text="The block's value; HTML for a paragraph.")
    id = serializers.CharField()


class ArticleDetailSerializer(ArticleListingSerializer):
    meta = ArticleDetailMetaSerializer()
    tags = serializers.ListField(child=serializers.CharField())
    legal_acts = LegalActSerializer(many=True)
    review_interval_days = serializers.IntegerField()
    review_reason = serializers.CharField(allow_blank=True)
    answer_code = serializers.CharField(allow_null=True)
    answer_text = serializers.CharField(allow_blank=True)
    body = BodyBlockSerializer(many=True)


class KnowledgeBaseErrorSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="What went wrong, in Russian.")
