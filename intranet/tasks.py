from celery import shared_task


@shared_task(name="intranet.ping")
def ping(payload: str = "pong") -> str:
    """Round-trip check of the broker and the worker (used by tests and operators)."""
    return payload
