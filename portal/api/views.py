"""Chaves de API, under Minha conta: list, create (the secret shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.api.forms import TokenForm
from portal.api.models import AccessToken
from portal.api.services import token_create, token_revoke, tokens_of
from portal.lib.forms import add_use_case_errors, posted
from portal.lib.http import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(posted(request))
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_use_case_errors(form, error)
        else:
            # Rendered, not redirected: the secret is never kept, not even in the session.
            form = TokenForm()
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "tokens": tokens_of(request.user), "created": created}
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke_view(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    # Another person's key is a 404, like anything one may not see.
    token = get_object_or_404(AccessToken, pk=token_id, user=request.user)
    token_revoke(token=token, actor=request.user)
    messages.success(request, _("The key %(name)s is revoked.") % {"name": token.name})
    return redirect("api:tokens")
