from django.urls import path

from lexkeep.web import views
from lexkeep.web.areas import INFO_AREAS

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/holidays/", views.holidays, name="holidays"),
    path(
        "settings/holidays/<str:day>/delete/",
        views.holiday_delete,
        name="holiday_delete",
    ),
    path("settings/users/", views.users, name="users"),
    path("settings/users/new/", views.user_new, name="user_new"),
    path(
        "settings/users/<int:pk>/reset-2fa/",
        views.user_reset_two_factor,
        name="user_reset_2fa",
    ),
    path(
        "settings/users/<int:pk>/toggle-active/",
        views.user_toggle_active,
        name="user_toggle_active",
    ),
] + [
    path(f"{area.key}/", views.area_page, {"key": area.key}, name=area.key)
    for area in INFO_AREAS
]
