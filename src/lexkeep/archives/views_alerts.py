"""The user's archive alerts: late collection, fixity failures, sync tasks.

Every user sees only the alerts sent to them; marking one read is the
recipient's alone (the selector finds no one else's: 404), and the unread
count is the badge on the alerts tab.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lexkeep.archives import selectors
from lexkeep.archives.models import ArchiveAlert
from lexkeep.archives.services import alert_mark_all_read, alert_mark_read
from lexkeep.archives.views import desk_page
from lexkeep.clients.views._common import actor, area_view
from lexkeep.web.areas import ARCHIVES


@area_view(ARCHIVES)
def alerts(request: HttpRequest) -> HttpResponse:
    """The user's archive alerts, unread first; ``?all=1`` shows read ones too."""
    user = actor(request)
    show_all = request.GET.get("all") == "1"
    return desk_page(
        request,
        "archives/alerts.html",
        "alerts",
        {
            "alerts": list(
                selectors.alert_list(actor=user, unread_only=not show_all)[:100]
            ),
            "show_all": show_all,
            "unread_alerts": selectors.alert_unread_count(actor=user),
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    """Return to the page the form was on (the alerts page by default)."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("archives:alerts")


@area_view(ARCHIVES)
@require_POST
def alert_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's alerts read."""
    user = actor(request)
    try:
        alert = selectors.alert_get(actor=user, pk=pk)
    except ArchiveAlert.DoesNotExist:
        raise Http404 from None
    alert_mark_read(actor=user, alert=alert)
    messages.success(request, _("The alert has been marked read."))
    return _back(request)


@area_view(ARCHIVES)
@require_POST
def alerts_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every unread alert of the user read."""
    marked = alert_mark_all_read(actor=actor(request))
    messages.success(
        request,
        ngettext(
            "%(count)d alert has been marked read.",
            "%(count)d alerts have been marked read.",
            marked,
        )
        % {"count": marked},
    )
    return _back(request)
