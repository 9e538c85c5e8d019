from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from intranet.health import service_states


@login_not_required
@never_cache
@require_GET
def health(request):
    """JSON with the state of the database, the broker and the search backend;
    HTTP 503 when any of them is down."""
    services = service_states()
    ok = all(state["ok"] for state in services.values())
    return JsonResponse(
        {"status": "ok" if ok else "degraded", "services": services},
        status=200 if ok else 503,
        json_dumps_params={"ensure_ascii": False},
    )
