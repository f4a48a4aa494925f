from __future__ import annotations

import threading

import pytest
from django.db import connections

from portal.requests.models import Request
from portal.requests.services import next_request_number
from portal.testing.factories import open_request

pytestmark = pytest.mark.django_db


def test_numbers_are_sequential_and_a_rolled_back_one_is_reused(contact_a):
    from django.db import transaction

    open_request(contact_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_request_number() == 2
        raise RuntimeError("submission failed")
    assert open_request(contact_a).number == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_share_a_number(contact_a):
    open_request(contact_a)  # creates the catalogue once, outside the threads
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def submit() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                open_request(contact_a)
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
    numbers = sorted(Request.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 42))
