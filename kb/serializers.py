"""API representations of the objects nested in KB pages (Wagtail API v2, kb.api).
Plain serializers, so that kb.models can use them without an import cycle."""

from rest_framework import serializers


class TopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class LegalActSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    citation = serializers.CharField()
    kind = serializers.CharField()
    number = serializers.CharField()
    date = serializers.DateField()
    url = serializers.CharField()
    status = serializers.CharField()
    status_changed_on = serializers.DateField()
