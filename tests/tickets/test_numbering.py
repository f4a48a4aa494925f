from __future__ import annotations

import threading

import pytest
from django.db import connections

from portal.tickets.models import Ticket
from portal.tickets.services import next_ticket_number
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


def test_numbers_are_sequential_and_a_rolled_back_one_is_reused(contact_a):
    from django.db import transaction

    open_ticket(contact_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_ticket_number() == 2
        raise RuntimeError("submission failed")
    assert open_ticket(contact_a).number == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_share_a_number(contact_a):
    open_ticket(contact_a)  # creates the catalogue once, outside the threads
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def submit() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                open_ticket(contact_a)
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 42))
