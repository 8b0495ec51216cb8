from django.conf.urls.i18n import i18n_patterns  # noqa: F401
from django.urls import include, path

from lexkeep.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("lexkeep.accounts.urls")),
    path("clients/", include("lexkeep.clients.urls", namespace="clients")),
    path("matters/", include("lexkeep.matters.urls", namespace="matters")),
    path("feedback/", include("lexkeep.feedback.urls", namespace="feedback")),
    path(
        "public/feedback/",
        include("lexkeep.feedback.public_urls", namespace="feedback_public"),
    ),
    path("service/", include("lexkeep.service.urls", namespace="service")),
    path("archives/", include("lexkeep.archives.urls", namespace="archives")),
    path("", include("lexkeep.web.urls")),
]
