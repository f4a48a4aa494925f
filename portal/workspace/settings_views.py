"""Settings for admins: the catalogue (departments, services and their request fields,
priorities) and the team."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.models import User
from portal.accounts.services import (
    staff_invite,
    staff_set_admin,
    staff_set_away,
    user_deactivate,
    user_reactivate,
)
from portal.accounts.two_factor import two_factor_reset
from portal.lib.access import admin_required
from portal.lib.forms import posted
from portal.lib.http import AuthenticatedHttpRequest
from portal.tickets.catalog import catalog_entry_save, service_field_delete, service_field_save
from portal.tickets.models import CatalogEntry, Department, Priority, Service, ServiceField
from portal.workspace.settings_forms import (
    CatalogEntryForm,
    DepartmentForm,
    PriorityForm,
    ServiceFieldForm,
    ServiceForm,
    StaffInviteForm,
)


@dataclass(frozen=True)
class CatalogKind:
    model: type[CatalogEntry]
    form: type[CatalogEntryForm]
    title: Promise
    singular: Promise


CATALOG = {
    "departamentos": CatalogKind(
        Department, DepartmentForm, gettext_lazy("Departments"), gettext_lazy("department")
    ),
    "servicos": CatalogKind(
        Service, ServiceForm, gettext_lazy("Services"), gettext_lazy("service")
    ),
    "prioridades": CatalogKind(
        Priority, PriorityForm, gettext_lazy("Priorities"), gettext_lazy("priority")
    ),
}


def _kind(kind: str) -> CatalogKind:
    if kind not in CATALOG:
        raise Http404
    return CATALOG[kind]


def _entries(catalog: CatalogKind) -> QuerySet[CatalogEntry]:
    if catalog.model is Department:
        return Department.objects.order_by("position", "name").prefetch_related(
            Prefetch("members", queryset=User.objects.order_by("name"))
        )
    if catalog.model is Service:
        active_fields = Count("intake_fields", filter=Q(intake_fields__is_active=True))
        return Service.objects.order_by("position", "name").annotate(field_count=active_fields)
    # Any other kind: its default manager (`objects`), by the name Django gives it.
    return catalog.model._default_manager.order_by("position", "name")


def _save(request: HttpRequest, form, entry) -> bool:
    try:
        catalog_entry_save(
            entry,
            name=form.cleaned_data["name"],
            position=form.cleaned_data["position"],
            is_active=form.cleaned_data["is_active"],
            members=form.cleaned_data.get("members"),
            round_robin=form.cleaned_data.get("round_robin"),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, _("Saved."))
    return True


@admin_required
def settings_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect("settings:catalog", kind="departamentos")


@admin_required
@require_http_methods(["GET", "POST"])
def catalog_list(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    catalog = _kind(kind)
    form = catalog.form(posted(request), initial={"is_active": True})
    if request.method == "POST" and form.is_valid() and _save(request, form, catalog.model()):
        return redirect("settings:catalog", kind=kind)
    context = {"catalog": catalog, "kind": kind, "entries": _entries(catalog), "form": form}
    return render(request, "workspace/settings/catalog.html", context)


@admin_required
@require_http_methods(["GET", "POST"])
def catalog_edit(request: AuthenticatedHttpRequest, kind: str, entry_id: int) -> HttpResponse:
    catalog = _kind(kind)
    entry = get_object_or_404(catalog.model, pk=entry_id)
    form = catalog.form(posted(request), instance=entry)
    if request.method == "POST" and form.is_valid() and _save(request, form, entry):
        return redirect("settings:catalog", kind=kind)
    context = {"catalog": catalog, "kind": kind, "entry": entry, "form": form}
    if isinstance(entry, Service):
        context["service_fields"] = entry.intake_fields.order_by("position", "pk")
    return render(request, "workspace/settings/catalog_edit.html", context)


@admin_required
@require_http_methods(["GET", "POST"])
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StaffInviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        member = staff_invite(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            is_admin=form.cleaned_data["is_admin"],
            language=form.cleaned_data["language"],
        )
        messages.success(
            request, _("Access for %(email)s sent by e-mail.") % {"email": member.email}
        )
        return redirect("settings:team")
    members = (
        User.objects.staff()
        .annotate(
            open_tickets=Count("assigned_tickets", filter=~Q(assigned_tickets__status="done"))
        )
        .select_related("two_factor")
        .prefetch_related("departments")
        .order_by("-is_active", "name")
    )
    return render(request, "workspace/settings/team.html", {"members": members, "form": form})


def _staff_member(user_id: int) -> User:
    return get_object_or_404(User.objects.staff(), pk=user_id)


def _team_action(request: HttpRequest, user_id: int, action, success: str) -> HttpResponse:
    member = _staff_member(user_id)
    try:
        action(member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success % {"name": member.name})
    return redirect("settings:team")


@admin_required
@require_POST
def team_deactivate(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    return _team_action(
        request,
        user_id,
        lambda member: user_deactivate(actor=request.user, user=member),
        _("%(name)s can no longer sign in."),
    )


@admin_required
@require_POST
def team_reactivate(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    return _team_action(
        request,
        user_id,
        lambda member: user_reactivate(actor=request.user, user=member),
        _("%(name)s can sign in again."),
    )


@admin_required
@require_POST
def team_set_admin(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    is_admin = request.POST.get("is_admin") == "1"
    return _team_action(
        request,
        user_id,
        lambda member: staff_set_admin(actor=request.user, user=member, is_admin=is_admin),
        _("%(name)s is now an administrator.") if is_admin else _("%(name)s is now an agent."),
    )


@admin_required
@require_POST
def team_set_away(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    is_away = request.POST.get("is_away") == "1"
    return _team_action(
        request,
        user_id,
        lambda member: staff_set_away(actor=request.user, user=member, is_away=is_away),
        _("%(name)s is marked away.") if is_away else _("%(name)s is back."),
    )


@admin_required
@require_POST
def team_reset_two_factor(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    return _team_action(
        request,
        user_id,
        lambda member: two_factor_reset(actor=request.user, user=member),
        _("%(name)s signs in with the password alone until turning two-step verification on."),
    )


# --- The fields a service asks on NOVA SOLICITAÇÃO


def _service_field(service_id: int, field_id: int) -> ServiceField:
    return get_object_or_404(
        ServiceField.objects.select_related("service"), pk=field_id, service_id=service_id
    )


def _service_field_page(
    request: AuthenticatedHttpRequest, field: ServiceField, title: str
) -> HttpResponse:
    form = ServiceFieldForm(posted(request), instance=field)
    if request.method == "POST" and form.is_valid():
        try:
            service_field_save(field, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("settings:catalog_edit", kind="servicos", entry_id=field.service_id)
    context = {"kind": "servicos", "service": field.service, "field": field, "form": form}
    return render(request, "workspace/settings/service_field.html", {**context, "title": title})


@admin_required
@require_http_methods(["GET", "POST"])
def service_field_new(request: AuthenticatedHttpRequest, service_id: int) -> HttpResponse:
    service = get_object_or_404(Service, pk=service_id)
    last = service.intake_fields.order_by("-position").values_list("position", flat=True).first()
    field = ServiceField(service=service, position=(last or 0) + 1)
    return _service_field_page(request, field, _("New field"))


@admin_required
@require_http_methods(["GET", "POST"])
def service_field_edit(
    request: AuthenticatedHttpRequest, service_id: int, field_id: int
) -> HttpResponse:
    field = _service_field(service_id, field_id)
    return _service_field_page(request, field, field.label)


@admin_required
@require_POST
def service_field_delete_view(
    request: AuthenticatedHttpRequest, service_id: int, field_id: int
) -> HttpResponse:
    field = _service_field(service_id, field_id)
    service_field_delete(field)
    messages.success(
        request,
        _("The field “%(label)s” was deleted; requests already opened keep their answers.")
        % {"label": field.label},
    )
    return redirect("settings:catalog_edit", kind="servicos", entry_id=service_id)
