"""`manage.py update_index`: Wagtail's command, preceded by a rebuild of every case's
search document from the cases table, so one command rebuilds everything (pages,
documents, images, cases) in every configured backend."""

from wagtail.search.management.commands.update_index import Command as WagtailCommand

from search.documents import sync_all


class Command(WagtailCommand):
    help = "Rebuild case search documents, then every search index."

    def handle(self, **options):
        count = sync_all()
        if options.get("verbosity", 1) > 0:
            self.stdout.write(f"Case search documents: {count}")
        return super().handle(**options)
