"""Registration numbers stay unique and gap-free when registrars register at once."""

import threading

import pytest
from django.db import connection

from cases import services
from cases.choices import Channel
from cases.models import Case

PARALLEL = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_get_distinct_contiguous_numbers(org):
    registrar = org.registrar
    barrier = threading.Barrier(PARALLEL)
    numbers, errors = [], []

    def register(index: int):
        try:
            barrier.wait(timeout=30)
            case = services.register_message(
                registrar,
                channel=Channel.POST,
                subject=f"Письмо {index}",
                text="Прошу разъяснить порядок подачи справки.",
                external={"name": f"Заявитель {index}", "postal_address": "СПб"},
            )
            numbers.append((case.registration_sequence, case.registration_number))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    sequences = sorted(seq for seq, _number in numbers)
    assert sequences == list(range(1, PARALLEL + 1))
    assert len({number for _seq, number in numbers}) == PARALLEL
    assert Case.objects.filter(registration_number__isnull=False).count() == PARALLEL
