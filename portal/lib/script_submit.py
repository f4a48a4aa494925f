"""Forms sent by forms.js (to show the upload's progress) learn where a redirect leads.

A script's request follows redirects by itself and hands back only the last page: the
address's #fragment (the answer just sent) is lost, and that page has already shown, and
so used up, the success message meant for the person. So, for a request marked by
forms.js, a redirect is answered 200 with the address in a header, and the script loads it
as the browser would have.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

SCRIPT_HEADER = "X-Portal-Upload"
LOCATION_HEADER = "X-Portal-Location"


class ScriptRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            request.headers.get(SCRIPT_HEADER) == "1"
            and 300 <= response.status_code < 400
            and response.has_header("Location")
        ):
            # The same response (its cookies: the session, the message), without the hop.
            response[LOCATION_HEADER] = response["Location"]
            del response["Location"]
            response.status_code = 200
        return response
