"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly in the calling process
(the embedded default); with it, run a worker and beat (see README)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.dev")

app = Celery("intranet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_entries(func):
    """Decorator for an app's `setup_periodic_tasks(sender)`: runs at finalize, or at
    once when the app is already finalized (a tasks module imported late, e.g. by a test
    or a command, would otherwise never add its entries). `add_periodic_task` keys the
    schedule by name, so running twice is harmless."""
    app.on_after_finalize.connect(func)
    if app.finalized:
        func(app)
    return func
