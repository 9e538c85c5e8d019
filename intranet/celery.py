"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly in the calling process
(the embedded default); with it, run a worker and beat (see README)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.dev")

app = Celery("intranet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
