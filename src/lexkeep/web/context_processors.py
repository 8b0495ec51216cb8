"""Template context shared by every page: the navigation for the user's roles."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from lexkeep.web.areas import areas_for


def navigation(request: HttpRequest) -> dict[str, object]:
    """Return the navigation entries the signed-in user may see."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if getattr(user, "requires_two_factor", False) and not user.is_verified():
        return {"nav_items": []}
    path = request.path_info
    items = []
    for area in areas_for(user.roles):
        url = reverse(area.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append(
            {"key": area.key, "label": area.label, "url": url, "active": active}
        )
    return {"nav_items": items}
