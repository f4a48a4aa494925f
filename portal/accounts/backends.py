from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """ModelBackend keyed on the e-mail, case-insensitively (the manager normalises it).

    Inactive users and expired temporary passwords are rejected by the login
    form, which can tell the person why.
    """

    def user_can_authenticate(self, user) -> bool:
        return True

    def get_user(self, user_id):
        # A deactivated user's open sessions end at their next request.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
