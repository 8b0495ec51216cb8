"""The compliance dashboard and the notifications (SPEC §4)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lexkeep.service import selectors, services
from lexkeep.service.views._common import actor, paginate, service_view
from lexkeep.web.areas import SERVICE
from lexkeep.web.views import area_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show compliance firm-wide (or over the user's clients), per tier, per lawyer.

    A role the area's navigation shows but that serves no client (the
    client-service specialist) gets the area's rules page instead.
    """
    user = actor(request)
    if not user.has_perm("service.view_dashboard"):
        return area_page(request, key=SERVICE.key)
    dashboard = selectors.compliance_dashboard(actor=user)
    mine = next((r for r in dashboard.lawyers if r.key == str(user.pk)), None)
    return render(
        request,
        "service/home.html",
        {
            "dashboard": dashboard,
            "mine": mine,
            "sees_all": user.has_perm("clients.override_tier"),
            "overdue": selectors.duty_list(actor=user, status="overdue", mine=True)[:8],
        },
    )


@service_view
def notifications(request: HttpRequest) -> HttpResponse:
    """List the user's notifications; POST marks them all read."""
    user = actor(request)
    if request.method == "POST":
        services.notifications_mark_read(user=user)
        return redirect("service:notifications")
    return render(
        request,
        "service/notifications.html",
        {"page": paginate(request, selectors.notification_list(user=user))},
    )


@service_view
def notifications_badge(request: HttpRequest) -> HttpResponse:
    """Return the unread count as a small badge (fetched by htmx)."""
    count = selectors.notification_unread_count(user=actor(request))
    return render(request, "service/_badge.html", {"count": count})
