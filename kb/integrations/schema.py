"""The API key in the OpenAPI schema (drf-spectacular), as the session is described in
intranet.api."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "kb.integrations.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A consuming system's key: `Authorization: Api-Key <key>`. Keys are issued "
                "by the portal's administrators (Settings → API keys) with a scope: public "
                "articles only, or internal articles too. An unknown or revoked key answers "
                "401; too many requests with one key answer 429 with `Retry-After`."
            ),
        }
