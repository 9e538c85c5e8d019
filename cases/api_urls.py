"""REST API of the cases desk (DRF), mounted at /api/ next to /api/schema/ and /api/docs/."""

from rest_framework.routers import DefaultRouter

from cases.api import CaseViewSet

router = DefaultRouter()
router.register("cases", CaseViewSet, basename="case")

urlpatterns = router.urls
