"""Pages of the web shell: role home pages, area pages and firm settings."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lexkeep.accounts.models import Role, RoleAssignment, User
from lexkeep.accounts.services import (
    user_create,
    user_set_active,
    user_two_factor_reset,
)
from lexkeep.core.models import FirmHoliday
from lexkeep.core.workdays import (
    firm_holiday_delete,
    firm_holidays_set,
    years_to_enter,
)
from lexkeep.web.areas import AREAS_BY_KEY, SETTINGS, Area, duties_for
from lexkeep.web.forms import (
    FirmHolidayForm,
    UserCreateForm,
    form_submit,
    message_redirect,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _deny(request: HttpRequest, what: str, message: str) -> PermissionDenied:
    """Return the refusal to raise; AuditDeniedMiddleware records it."""
    return PermissionDenied(message)


def _require_area(request: HttpRequest, area: Area) -> None:
    if not area.visible_to(_user(request).roles):
        raise _deny(
            request,
            f"area {area.key}",
            _("Your role does not give access to this area."),
        )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Greet the user and show a card for each duty of their roles (SPEC §1)."""
    user = _user(request)
    cards = [
        {"duty": duty, "area": AREAS_BY_KEY[duty.area]}
        for duty in duties_for(user.roles)
    ]
    role_names = [label for value, label in Role.choices if value in user.roles]
    # The director keeps the firm calendar: a year whose holidays nobody has
    # entered yet would put working-day deadlines wrong.
    years = years_to_enter(timezone.localdate()) if user.has_role(Role.DIRECTOR) else []
    return render(
        request,
        "web/home.html",
        {"cards": cards, "role_names": role_names, "years_to_enter": years},
    )


@login_required
def area_page(request: HttpRequest, key: str) -> HttpResponse:
    """Explain an area's rules and what the user's role may do there."""
    area = AREAS_BY_KEY.get(key)
    if area is None or not area.rules:
        raise Http404
    _require_area(request, area)
    user = _user(request)
    my_duties = [
        {"role": label, "items": area.duties[value]}
        for value, label in Role.choices
        if value in user.roles and value in area.duties
    ]
    other_duties = [
        {"role": label, "items": area.duties[value]}
        for value, label in Role.choices
        if value not in user.roles and value in area.duties
    ]
    return render(
        request,
        "web/area.html",
        {"area": area, "my_duties": my_duties, "other_duties": other_duties},
    )


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    """List the settings pages the user may open."""
    _require_area(request, SETTINGS)
    return render(request, "web/settings.html")


def _saved_days(entries: list[FirmHoliday]) -> str:
    """What the director is told after saving one day or a run of days."""
    first, last = entries[0].date.isoformat(), entries[-1].date.isoformat()
    if first == last:
        return _("%(date)s has been saved in the firm calendar.") % {"date": first}
    return _("%(first)s to %(last)s have been saved in the firm calendar.") % {
        "first": first,
        "last": last,
    }


@login_required
def holidays(request: HttpRequest) -> HttpResponse:
    """Show the firm holiday table; the director adds entries (POST)."""
    _require_area(request, SETTINGS)
    user = _user(request)
    can_edit = user.has_role(Role.DIRECTOR)
    form = FirmHolidayForm(request.POST or None)

    def page(status: int = 200) -> HttpResponse:
        entries = FirmHoliday.objects.order_by("date")
        return render(
            request,
            "web/holidays.html",
            {
                "form": form,
                "entries": entries,
                "can_edit": can_edit,
                "years_to_enter": years_to_enter(timezone.localdate()),
            },
            status=status,
        )

    if request.method != "POST":
        return page()
    if not can_edit:
        raise _deny(
            request,
            "firm calendar change",
            _("Only the director may change the firm calendar."),
        )
    return form_submit(
        form,
        lambda data: firm_holidays_set(
            start=data["date"],
            end=data["until"] or data["date"],
            kind=data["kind"],
            name=data["name"],
            actor=user,
        ),
        done=lambda entries: message_redirect(
            request, _saved_days(entries), "web:holidays"
        ),
        invalid=lambda: page(400),
    )


@login_required
@require_POST
def holiday_delete(request: HttpRequest, day: str) -> HttpResponse:
    """Remove a day from the firm calendar (director only, by the service)."""
    _require_area(request, SETTINGS)
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    if not _user(request).has_role(Role.DIRECTOR):
        raise _deny(
            request,
            "firm calendar change",
            _("Only the director may change the firm calendar."),
        )
    try:
        firm_holiday_delete(date=date, actor=_user(request))
    except FirmHoliday.DoesNotExist as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(date)s has been removed from the firm calendar.")
            % {"date": date.isoformat()},
        )
    return redirect("web:holidays")


@login_required
def users(request: HttpRequest) -> HttpResponse:
    """List the firm's users with their roles (director only)."""
    if not _user(request).has_role(Role.DIRECTOR):
        raise _deny(
            request, "user list", _("Only the director may see the list of users.")
        )
    people = (
        User.objects.select_related("department", "supervisor")
        .prefetch_related(
            Prefetch(
                "role_assignments", queryset=RoleAssignment.objects.order_by("role")
            ),
            "totpdevice_set",
        )
        .order_by("-is_active", "username")
    )
    return render(request, "web/users.html", {"people": people})


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    """Create a user (director only; the service enforces it)."""
    actor = _user(request)
    if not actor.has_perm("accounts.manage_users"):
        raise _deny(request, "user create", _("Only the director may create users."))
    form = UserCreateForm(request.POST or None)
    if request.method != "POST":
        return render(request, "web/user_form.html", {"form": form})

    def create(data: dict[str, Any]) -> User:
        # The form's fields are the service's arguments; the department is
        # typed by name and created by the service with the user.
        fields = dict(data)
        fields["department_name"] = fields.pop("department")
        return user_create(actor=actor, **fields)

    return form_submit(
        form,
        create,
        done=lambda user: message_redirect(
            request,
            _("User %(name)s has been created.") % {"name": user.display_name},
            "web:users",
        ),
        invalid=lambda: render(
            request, "web/user_form.html", {"form": form}, status=400
        ),
    )


def _target_user(pk: int) -> User:
    try:
        return User.objects.get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_POST
def user_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a user's authenticator so they enrol again (director only)."""
    target = _target_user(pk)
    user_two_factor_reset(actor=_user(request), user=target)
    messages.success(
        request,
        _("%(name)s will set up a new authenticator at the next sign-in.")
        % {"name": target.display_name},
    )
    return redirect("web:users")


@login_required
@require_POST
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Disable or re-enable a user's sign-in (director only)."""
    target = _target_user(pk)
    try:
        user_set_active(actor=_user(request), user=target, active=not target.is_active)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if target.is_active:
            messages.success(
                request,
                _("%(name)s can sign in again.") % {"name": target.display_name},
            )
        else:
            messages.success(
                request,
                _("%(name)s can no longer sign in.") % {"name": target.display_name},
            )
    return redirect("web:users")
