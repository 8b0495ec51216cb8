from django.urls import path

from lexkeep.clients import views
from lexkeep.web.views import area_page

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("rules/", area_page, {"key": "clients"}, name="rules"),
    path("reassignment/", views.reassignment_list, name="reassignment"),
    path("reviews/", views.review_list, name="reviews"),
    path("conflict-check/", views.conflict_check, name="conflict_check"),
    path(
        "conflict-check/<int:pk>/",
        views.conflict_check_detail,
        name="conflict_check_detail",
    ),
    path(
        "conflict-check/<int:pk>/decide/",
        views.conflict_check_decide,
        name="conflict_check_decide",
    ),
    path(
        "conflict-check/<int:pk>/waiver/",
        views.conflict_check_waiver,
        name="conflict_check_waiver",
    ),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/matters/", views.client_detail, {"tab": "matters"}, name="matters"),
    path("<int:pk>/history/", views.client_detail, {"tab": "history"}, name="history"),
    path(
        "<int:pk>/consents/", views.client_detail, {"tab": "consents"}, name="consents"
    ),
    path("<int:pk>/team/", views.client_detail, {"tab": "team"}, name="team"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/reveal/<str:field>/", views.client_reveal, name="reveal"),
    path("<int:pk>/consents/new/", views.consent_record, name="consent_record"),
    path(
        "<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "<int:pk>/consents/<int:consent_pk>/document/",
        views.consent_document,
        name="consent_document",
    ),
    path("<int:pk>/review/", views.review_record, name="review_record"),
    path("<int:pk>/changes/", views.update_record, name="update_record"),
    path("<int:pk>/tier/", views.tier_override, name="tier_override"),
    path("<int:pk>/tier/release/", views.tier_release, name="tier_release"),
    path("<int:pk>/team/assign/", views.team_assign, name="team_assign"),
]
