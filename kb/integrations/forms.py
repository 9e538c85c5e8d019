"""Admin forms of the API keys and webhooks: who issued a key, who revoked it; a new
key or secret is made when the row is created (kb.integrations.viewsets shows it once)."""

from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from . import keys


class ApiKeyForm(WagtailAdminModelForm):
    def save(self, commit=True):
        api_key = self.instance
        if api_key._state.adding:
            api_key.created_by = self.for_user
            self.issued_secret = keys.issue(api_key)
        elif not api_key.is_active and api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.revoked_by = self.for_user
        elif api_key.is_active and api_key.revoked_at is not None:
            api_key.revoked_at = None
            api_key.revoked_by = None
        return super().save(commit)


class WebhookConsumerForm(WagtailAdminModelForm):
    def save(self, commit=True):
        consumer = self.instance
        if consumer._state.adding:
            consumer.created_by = self.for_user
            consumer.secret = self.issued_secret = keys.new_secret()
        return super().save(commit)
