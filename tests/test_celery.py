"""Celery: eager in-process without a broker (the embedded default), and a real
round-trip through Redis and a worker process when CELERY_BROKER_URL is set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery.result import AsyncResult, EagerResult

from intranet.tasks import ping

ROOT = Path(__file__).resolve().parent.parent

EAGER_PROBE = """
import json, os
import django
django.setup()
from intranet.celery import app
from intranet.tasks import ping
result = ping.delay("x")
print(json.dumps({
    "eager": app.conf.task_always_eager,
    "kind": type(result).__name__,
    "value": result.get(timeout=1),
    "state": result.state,
}))
"""


def test_without_broker_tasks_run_in_process():
    """Runs in a fresh interpreter with CELERY_BROKER_URL unset, whatever the caller has."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env.update(DJANGO_SETTINGS_MODULE="intranet.settings.test", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", EAGER_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state == {"eager": True, "kind": "EagerResult", "value": "x", "state": "SUCCESS"}


def test_eager_in_this_process(settings):
    """Under the embedded default the test process itself runs tasks eagerly."""
    if settings.CELERY_BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is set: tasks go to the broker (see the round-trip test)")
    result = ping.delay("x")
    assert isinstance(result, EagerResult)
    assert result.get() == "x"


def test_result_backend_defaults_to_the_broker(settings):
    if not settings.CELERY_BROKER_URL:
        assert settings.CELERY_RESULT_BACKEND in (None, "")
    elif "CELERY_RESULT_BACKEND" not in os.environ:
        assert settings.CELERY_RESULT_BACKEND == settings.CELERY_BROKER_URL


@pytest.mark.redis
@pytest.mark.celery_worker
def test_round_trip_through_redis_and_a_worker(celery_worker):
    result = ping.delay("x")
    assert isinstance(result, AsyncResult) and not isinstance(result, EagerResult)
    assert result.get(timeout=20) == "x"
    assert result.state == "SUCCESS"
    assert celery_worker.poll() is None  # the worker process is still alive
