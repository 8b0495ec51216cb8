from django.urls import path

from lexkeep.matters import views
from lexkeep.web.views import area_page

app_name = "matters"

urlpatterns = [
    path("", views.matter_list, name="list"),
    path("new/", views.matter_open, name="open"),
    path("rules/", area_page, {"key": "matters"}, name="rules"),
    path("<int:pk>/", views.matter_detail, name="detail"),
    path("<int:pk>/parties/", views.party_add, name="party_add"),
    path(
        "<int:pk>/parties/<int:party_pk>/remove/",
        views.party_remove,
        name="party_remove",
    ),
    path("<int:pk>/hearings/", views.hearing_add, name="hearing_add"),
    path(
        "<int:pk>/hearings/<int:hearing_pk>/remove/",
        views.hearing_remove,
        name="hearing_remove",
    ),
    path("<int:pk>/fees/", views.fee_record, name="fee_record"),
    path("<int:pk>/dates/", views.key_dates, name="key_dates"),
    path("<int:pk>/close/", views.matter_close, name="close"),
]
