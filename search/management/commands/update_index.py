"""`manage.py update_index`: Wagtail's command, preceded by a rebuild of every case's
search document from the cases table, so one command rebuilds everything (pages,
documents, images, cases) in every configured backend, and followed by a rebuild of
the vocabulary of typo suggestions (`search.vocabulary`).

A document the database refuses is skipped, not fatal: it is recorded
(`search.failures`; admin: Settings → Search index failures), listed at the end of the
run and tried again by `search.tasks.catch_up`, and the command still exits 0 — the
one-shot `migrate && update_index` of docker-compose.yml must not keep the site down for
one document. Anything else (the database or Elasticsearch unreachable) still fails."""

from django.utils import timezone
from wagtail.search.management.commands.update_index import Command as WagtailCommand

from search import vocabulary
from search.documents import sync_all
from search.models import IndexFailure

# Failures listed one by one at the end of a run; more are counted.
LISTED_FAILURES = 20


class Command(WagtailCommand):
    help = "Rebuild case search documents, then every search index."

    def handle(self, **options):
        started = timezone.now()
        count = sync_all()
        if options.get("verbosity", 1) > 0:
            self.stdout.write(f"Case search documents: {count}")
        super().handle(**options)
        words = vocabulary.rebuild()
        if options.get("verbosity", 1) > 0:
            self.stdout.write(f"Vocabulary of the knowledge base: {words} words")
        self.report_failures(started)

    def report_failures(self, since) -> None:
        failed = IndexFailure.objects.filter(last_failed_at__gte=since).order_by("pk")
        total = failed.count()
        if not total:
            return
        self.stderr.write(
            f"Not indexed: {total} document(s), skipped; retried by search.catch_up, "
            "listed in the admin (Settings → Search index failures)."
        )
        for failure in failed[:LISTED_FAILURES]:
            self.stderr.write(f"  {failure.label}: {failure.error[:300]}")
        if total > LISTED_FAILURES:
            self.stderr.write(f"  … and {total - LISTED_FAILURES} more")
