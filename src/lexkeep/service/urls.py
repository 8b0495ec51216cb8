from django.urls import path

from lexkeep.service import views
from lexkeep.web.views import area_page

app_name = "service"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", area_page, {"key": "service"}, name="about"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path(
        "contacts/<int:pk>/files/<int:attachment>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("clients/<int:pk>/", views.client_service, name="client"),
    path("duties/", views.duty_list, name="duties"),
    path("duties/<int:pk>/", views.duty_detail, name="duty_detail"),
    path(
        "duties/<int:pk>/documents/<int:document>/",
        views.document_download,
        name="document_download",
    ),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/badge/", views.notifications_badge, name="badge"),
]
