# The web, worker and beat image (docker-compose.yml builds it once and runs it three
# ways). Debian 12 "bookworm" with Python 3.11, as on the servers the intranet targets.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=intranet.settings.production \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media

WORKDIR /app

# Every dependency comes as a binary wheel (psycopg[binary], PyStemmer, nh3, Pillow), so
# no compiler or libpq is installed. The runtime lock only, the same pins `make` installs
# (its requirements-dev.lock adds the test and lint tools): reproducible, and no pytest,
# Playwright or Faker in production.
# WeasyPrint (official letters as PDF) draws text with Pango; DejaVu gives every letter
# the same Cyrillic fonts, embedded in the PDF, on any host.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.lock ./
RUN python -m pip install -r requirements.lock

# An unprivileged user owns only what it writes: media uploads and beat's schedule.
RUN groupadd --system --gid 1000 intranet \
    && useradd --system --uid 1000 --gid intranet --home-dir /app --shell /usr/sbin/nologin intranet

COPY . .

# Russian catalogues (Babel, no GNU gettext; the same script as `make messages`, so every
# app's catalogue) and static files are built into the image, so containers start without
# writing to the code tree. The key below exists only for this build step; the running
# containers take SECRET_KEY from the environment.
RUN set -eu; \
    sh bin/compile-messages; \
    SECRET_KEY=collectstatic-build-step-only python manage.py collectstatic --noinput; \
    mkdir -p /app/var/media /app/var/run; \
    chown -R intranet:intranet /app/var

USER intranet
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(0 if u.urlopen(u.Request('http://127.0.0.1:8000/health/', headers={'Host': 'localhost'}), timeout=4).status == 200 else 1)"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "intranet.wsgi"]
