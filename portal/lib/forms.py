from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
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


def add_use_case_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a use case's ValidationError on ``form``: each field's error next to that
    field, and the rest (or a field the form lacks) above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
