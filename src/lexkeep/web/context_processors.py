from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    """Return the navigation entries the signed-in user may see."""
    return {}
