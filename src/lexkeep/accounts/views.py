from django.contrib.auth import logout
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class LoginView(DjangoLoginView):
    template_name = "accounts/login.html"


def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


def lockout_response(request: HttpRequest, credentials: dict, *args: object, **kwargs: object) -> HttpResponse:
    return HttpResponse("locked", status=429)
