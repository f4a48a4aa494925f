from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from portal.accounts.signed_in import load_signed_in


class EmailBackend(ModelBackend):
    """ModelBackend keyed on the e-mail, case-insensitively (the manager normalises it).

    Inactive users, contacts of an inactive company and expired temporary passwords
    are rejected by the login form, which can tell the person why.
    """

    def user_can_authenticate(self, user) -> bool:
        return True

    def get_user(self, user_id):
        # A deactivated user's open sessions end at their next request, and so do those
        # of a deactivated company's contacts. The TwoFactor row comes along: the pages
        # ask whether it is on (STAFF_REQUIRE_2FA) without a query of their own.
        # (One statement written once: portal/accounts/signed_in.py.)
        user = load_signed_in(user_id)
        return user if user is not None and user.may_sign_in() else None
