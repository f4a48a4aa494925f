from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_POST

from portal.lib.http import AuthenticatedHttpRequest
from portal.privacy.export import personal_data_export


@login_required
@require_POST
def data_export(request: AuthenticatedHttpRequest) -> FileResponse:
    """Baixar meus dados (Minha conta): a client contact's data as a ZIP.

    A POST, so that no link prefetch builds one. Staff get a 404: their messages are
    the agency's work on its clients' requests, not a personal record to take away.
    """
    if not request.user.is_contact:
        raise Http404
    export = personal_data_export(user=request.user)
    response = FileResponse(
        export.file, as_attachment=True, filename=export.filename, content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
