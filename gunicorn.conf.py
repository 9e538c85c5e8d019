"""Gunicorn settings for the web container (`gunicorn -c gunicorn.conf.py intranet.wsgi`).

Every value can be changed through the environment without rebuilding the image; the
defaults suit a 2–4 CPU virtual machine behind a TLS-terminating reverse proxy."""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Where to listen. In the container the proxy (or the published port) reaches :8000.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Processes: the classic (2 x CPUs) + 1, capped so that a big host does not start dozens
# of Django processes (each holds ~150 MB with Wagtail loaded). WEB_CONCURRENCY wins.
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8))

# Threads per process (gthread worker): requests mostly wait on PostgreSQL, Redis and
# Elasticsearch, so a few threads per process raise throughput at little memory cost.
# Each thread keeps its own database connection while DB_CONN_MAX_AGE > 0: workers x
# threads connections per container must stay below PostgreSQL's max_connections.
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# A request that takes longer than this is killed and logged (exports and big uploads
# included); graceful_timeout lets in-flight requests finish on a reload or stop.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep-alive with the reverse proxy; must be below the proxy's upstream idle timeout.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle each worker after this many requests (with jitter so that they do not restart
# together): bounds the memory growth of long-lived Python processes.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Logs to stdout/stderr, collected by Docker / journald. The access log records the
# client address forwarded by the proxy, the request, status, size and duration (µs).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'
)

# Trust X-Forwarded-* only from these addresses (the proxy; in compose, the Docker network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# Heartbeat files on a RAM disk: a slow overlay filesystem must not make the arbiter
# think a worker hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Load the application before forking: faster start and shared memory pages. Database
# connections are opened lazily per request, so nothing is shared across the fork.
preload_app = True
