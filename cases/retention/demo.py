"""Demo nomenclature (idempotent): this year's and an old year's files, so the registrar
sees the filing and one file due for a destruction review."""

from __future__ import annotations

from django.utils import timezone

from cases.choices import Regime
from cases.retention import services
from cases.retention.models import CaseFile

FILES = [
    ("01-15", "Обращения граждан (59-ФЗ)", Regime.APPEAL, 5, "ЭПК"),
    ("01-16", "Запросы информации и сообщения вне 59-ФЗ", Regime.INFO_REQUEST, 5, ""),
    ("01-17", "Прочие сообщения и внутренние запросы", "", 5, ""),
]


def seed(stdout=None) -> dict:
    year = timezone.localdate().year
    created = 0
    for file_year in (year, year - 7):
        for index, title, regime, years, mark in FILES:
            _obj, made = CaseFile.objects.get_or_create(
                year=file_year, index=index,
                defaults={"title": title, "regime": regime, "retention_years": years, "mark": mark},
            )  # fmt: skip
            created += made
    filed = services.file_closed_cases()
    if stdout is not None and (created or filed):
        stdout.write(f"Номенклатура дел: дел {created}, обращений подшито {filed}.")
    return {"files": created, "filed": filed}
