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

from portal.accounts import throttle, two_factor
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
                raise _throttled(guard.wait_seconds)
            user = authenticate(self.request, email=email, password=password)
            if user is None:
                guard.failed()
        refusal = ""
        if user is None:
            refusal = "invalid_login"
        else:
            if not user.may_sign_in():
                refusal = "inactive"
            elif user.temporary_password_expired():
                refusal = "expired"
        throttle.record_attempt(email=email, ip_address=address, succeeded=not refusal)
        if refusal or user is None:  # (user is None only with a refusal)
            audit.record(AuditEntry.Action.LOGIN_FAILED, email=email, reason=refusal)
            raise forms.ValidationError(self.error_messages[refusal], code=refusal)
        if not user.has_two_factor:  # otherwise signed in only after the second step
            audit.record(AuditEntry.Action.LOGIN, actor=user)
        self.user_cache = user
        return cleaned

    def get_user(self) -> User | None:
        return self.user_cache


def _throttled(wait_seconds: int) -> forms.ValidationError:
    minutes = math.ceil(wait_seconds / 60)
    return forms.ValidationError(
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


def _code_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Verification code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class SecondStepForm(forms.Form):
    """Código de verificação: the app's six digits or a recovery code, throttled like the
    password (per address and per account)."""

    code = _code_field()

    def __init__(self, request: Any, user: User, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user = user
        self.passed_with: str | None = None
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "The six digits your authenticator app shows, or one of your recovery codes."
        )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        source = throttle.source_of(self.request)
        with throttle.second_step_guard(source=source, account=str(self.user.pk)) as guard:
            if guard.wait_seconds:
                raise _throttled(guard.wait_seconds)
            self.passed_with = two_factor.second_step_pass(user=self.user, code=code)
            if self.passed_with is None:
                guard.failed()
            else:
                guard.succeeded()
        if self.passed_with is None:
            audit.record(
                AuditEntry.Action.LOGIN_FAILED, email=self.user.email, reason="second_step"
            )
            raise forms.ValidationError(
                _("This code is not valid. Type the code your app shows now."), code="invalid"
            )
        return code


class TwoFactorConfirmForm(forms.Form):
    code = _code_field(_("Code shown by the app"))


class TwoFactorDisableForm(forms.Form):
    prefix = "off"  # on Minha conta beside other forms' fields: ids of its own
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(label=_("Verification code"), max_length=32)


class RecoveryCodesForm(forms.Form):
    prefix = "codes"
    code = forms.CharField(label=_("Verification code"), max_length=32)


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
        fields = ["name", "language", "is_away"]
        labels = {"name": _("Name"), "language": _("Language"), "is_away": _("Away")}
        help_texts = {
            "is_away": _("While away, the departments' round-robin gives you no new requests.")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.is_agency_staff:
            del self.fields["is_away"]  # only the team takes requests in turn


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
