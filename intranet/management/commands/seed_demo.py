import importlib

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from intranet import demo

# Each app adds its part of the demo in `<app>.demo.seed(stdout)`, in this order.
DEMO_MODULES = [
    "intranet.demo",
    "kb.demo",
    "kb.acknowledgements.demo",  # a sheet the reader is asked to confirm
    "cases.demo",
    "cases.reports.demo",  # months of answered cases for the reports' charts
    "cases.quality.demo",
    "cases.consultations.demo",
    "cases.retention.demo",
    "cases.reception.demo",  # bookings (future and past) and reception cards
    "search.demo",  # last: indexes every case the modules above made
]


class Command(BaseCommand):
    help = "Builds the demo organisation, users and content (idempotent: safe to run again)."

    def handle(self, *args, **options):
        stdout = self.stdout if options["verbosity"] > 0 else None
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            module.seed(stdout=stdout)
        demo.read_old_notifications()
        if stdout is not None:
            stdout.write(self.style.SUCCESS(gettext("Demo data is ready.")))
