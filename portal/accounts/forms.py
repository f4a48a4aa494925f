from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import check_password
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.accounts import throttle
from portal.accounts.models import User, normalize_email
from portal.accounts.services import user_set_password
from portal.audit import log as audit
from portal.audit.models import AuditEntry


class LoginForm(forms.Form):
    """E-mail and Senha, with throttling; speaks the interface LoginView expects."""

    email = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("E-mail or password is incorrect. Please check and try again."),
        "inactive": _("This access has been deactivated. Please contact the agency team."),
        "expired": _(
            "Your temporary password has expired. "
            "Click “Forgot your password?” to receive a new link."
        ),
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        self.request = request
        self.user_cache: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()  # Form.clean() returns its cleaned_data
        cleaned = self.cleaned_data
        email, password = cleaned.get("email"), cleaned.get("password")
        if not email or not password:
            return cleaned
        address = throttle.client_address(self.request) if self.request else None
        source = throttle.source_of(self.request) if self.request else throttle.UNKNOWN_SOURCE
        with throttle.login_guard(source=source) as guard:
            if guard.wait_seconds:
                minutes = math.ceil(guard.wait_seconds / 60)
                raise forms.ValidationError(
                    ngettext(
                        "Too many unsuccessful attempts from your connection. "
                        "For your security, wait %(minutes)s minute and try again.",
                        "Too many unsuccessful attempts from your connection. "
                        "For your security, wait %(minutes)s minutes and try again.",
                        minutes,
                    ),
                    code="throttled",
                    params={"minutes": minutes},
                )
            user = authenticate(self.request, email=email, password=password)
            if user is None:
                guard.failed()
        refusal = None
        if user is None:
            refusal = "invalid_login"
        else:
            if not user.may_sign_in():
                refusal = "inactive"
            elif user.temporary_password_expired():
                refusal = "expired"
        throttle.record_attempt(email=email, ip_address=address, succeeded=refusal is None)
        if refusal:
            audit.record(AuditEntry.Action.LOGIN_FAILED, email=email, reason=refusal)
            raise forms.ValidationError(self.error_messages[refusal], code=refusal)
        audit.record(AuditEntry.Action.LOGIN, actor=user)
        self.user_cache = user
        return cleaned

    def get_user(self) -> User | None:
        return self.user_cache


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class ChooseNewPasswordForm(SetPasswordForm):
    """A new password typed twice; the temporary one stops being required."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "temporary_password": _(
            "Choose a password of your own, not the temporary one you received by e-mail."
        ),
    }

    def clean_new_password1(self) -> str:
        password = self.cleaned_data["new_password1"]
        # Compared with the stored hash only: User.check_password could re-hash and save.
        if self.user.must_change_password and check_password(password, self.user.password):
            raise forms.ValidationError(
                self.error_messages["temporary_password"], code="temporary_password"
            )
        return password

    def save(self, commit: bool = True) -> User:
        user_set_password(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class ChangePasswordForm(ChooseNewPasswordForm):
    """On the account page: the current password first, then the new one twice."""

    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not self.user.check_password(old_password):
            raise forms.ValidationError(
                _("Your current password is incorrect."), code="password_incorrect"
            )
        return old_password


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language"]
        labels = {"name": _("Name"), "language": _("Language")}


def staff_members() -> QuerySet[User]:
    """The active team, by name: who can be assigned, put in a department, reported on."""
    return User.objects.staff().active().order_by("name")


class StaffChoiceField(forms.ModelChoiceField):
    """A member of the team, shown by name."""

    def label_from_instance(self, obj: User) -> str:
        return obj.name


class ColleagueInviteForm(forms.Form):
    """A new client contact's name, e-mail and language: Convidar colega (Minha empresa)
    and the agency's invitation on Clientes."""

    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("There is already an account with this e-mail."))
        return email
