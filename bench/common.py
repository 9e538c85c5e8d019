"""What the benchmark scripts share: their environment, the database, facts about the
machine and percentiles. Import before Django is set up (`configure()` sets the
environment the settings read)."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/intranet_bench9"

# Production settings (DEBUG off, manifest static files served by whitenoise) with
# what a loopback benchmark needs: no HTTPS redirect, a fixed key shared by the harness
# and gunicorn (sessions made by one are read by the other), mail kept in memory, files
# and collected static under var/bench/, tasks run in-process (no broker).
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
    "SECRET_KEY": "bench-only-key-not-secret-7b1f0c9e2d4a6b8c0e1f3a5b7c9d1e3f",
    "SECURE_SSL_REDIRECT": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "LOG_LEVEL": "WARNING",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "MEDIA_ROOT": str(VAR / "media"),
    "STATIC_ROOT": str(VAR / "static"),
    # One bench client submits hundreds of questions in a few minutes: the hourly limit
    # per client (cases.services.intake) would refuse all but ten.
    "CASES_SUBMISSIONS_PER_HOUR": "0",
}


def configure(database_url: str | None = None) -> str:
    """Set the benchmark environment (values already in the environment win, except the
    broker: tasks always run in-process) and put the project on sys.path. Returns the
    database URL."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    for name, value in BENCH_ENV.items():
        os.environ.setdefault(name, value)
    os.environ["CELERY_BROKER_URL"] = ""
    return os.environ["DATABASE_URL"]


def database_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database of `url` if it does not exist; True if created."""
    import psycopg

    parsed = urlparse(url)
    name = database_name(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def percentile(values, q: float) -> float:
    """Nearest-rank percentile of `values` (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[int(rank) - 1]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def memory_total_mb() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def process_memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of a process, in kB ({} if it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    found = {}
    for key in ("VmRSS", "VmHWM"):
        match = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
        if match:
            found[key] = int(match.group(1))
    return found


def children_of(pid: int) -> list[int]:
    """Direct child processes of `pid` (from /proc)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may contain spaces, so split after the ')'.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return children


def tool_version(command: list[str]) -> str:
    if not shutil.which(command[0]):
        return "not installed"
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    text = (result.stdout or result.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def machine() -> dict[str, str]:
    """Facts about this machine and the software measured (Django must be set up)."""
    import django
    import gunicorn
    import wagtail
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    load = os.getloadavg()
    return {
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "ram": f"{memory_total_mb() / 1024:.1f} GiB",
        "kernel": platform.release(),
        "load": " ".join(f"{x:.2f}" for x in load),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "postgresql": server,
        "gunicorn": gunicorn.__version__,
        "wrk": tool_version(["wrk", "-v"]),
    }


def write_block(path: Path, name: str, lines: list[str]) -> None:
    """Put `lines` between the `<!-- name -->` markers of the file at `path` (appended
    when the markers are not there yet), keeping the rest of the file."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = "\n".join([start, *lines, end])
    text = path.read_text("utf-8") if path.exists() else ""
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
