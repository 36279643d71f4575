"""/api/v1/webhooks/…: the webhook routes, included under /api/v1/ by `config.urls`."""

from rest_framework.routers import SimpleRouter

from .api import WebhookViewSet

app_name = "webhooks"

router = SimpleRouter()
router.register("webhooks", WebhookViewSet, basename="webhook")

urlpatterns = router.urls
