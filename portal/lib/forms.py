from __future__ import annotations

from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict


def posted(request: HttpRequest) -> QueryDict | None:
    """A form's data on POST, None on GET.

    Unlike ``request.POST or None``, an empty submission still binds the form,
    so it is validated and shows its errors instead of a blank form.
    """
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> MultiValueDict | None:
    return request.FILES if request.method == "POST" else None
