from django.urls import path

from lexkeep.archives import views, views_alerts, views_checklist
from lexkeep.web.views import area_page

app_name = "archives"

urlpatterns = [
    path("", views.archive_list, name="list"),
    path("lookup", views.archive_lookup, name="lookup"),
    path("rules/", area_page, {"key": "archives"}, name="rules"),
    path("mine/", views.collection, name="mine"),
    path("review/", views.review_queue, name="review"),
    path("desk/", views.filing_desk, name="desk"),
    path("ledger/", views.filing_ledger, name="ledger"),
    path("cabinets/", views.cabinet_map, name="cabinets"),
    path("sync/", views.sync_tasks, name="sync"),
    path("sync/<int:pk>/done/", views.sync_task_done, name="sync_done"),
    path("fixity/", views.fixity, name="fixity"),
    path("alerts/", views_alerts.alerts, name="alerts"),
    path("alerts/<int:pk>/read/", views_alerts.alert_read, name="alert_read"),
    path("alerts/read-all/", views_alerts.alerts_read_all, name="alerts_read_all"),
    path("checklist/", views_checklist.checklist, name="checklist"),
    path(
        "checklist/<int:pk>/edit/",
        views_checklist.checklist_item_edit,
        name="checklist_edit",
    ),
    path(
        "checklist/<int:pk>/<slug:action>/",
        views_checklist.checklist_item_act,
        name="checklist_act",
    ),
    path("<int:pk>/", views.archive_detail, name="detail"),
    path("<int:pk>/materials/", views.material_create, name="material_add"),
    path(
        "<int:pk>/materials/<int:material_pk>/move/",
        views.material_move,
        name="material_move",
    ),
    path(
        "<int:pk>/materials/<int:material_pk>/file/",
        views.material_file,
        name="material_file",
    ),
    path("<int:pk>/submit/", views.archive_submit_view, name="submit"),
    path("<int:pk>/review/", views.archive_review_view, name="review_volume"),
    path("<int:pk>/file/", views.archive_file_view, name="file"),
    path("<int:pk>/cover.pdf", views.cover_download, name="cover"),
    path(
        "<int:pk>/catalog.pdf",
        views.catalog_download,
        {"fmt": "pdf"},
        name="catalog_pdf",
    ),
    path(
        "<int:pk>/catalog.xlsx",
        views.catalog_download,
        {"fmt": "xlsx"},
        name="catalog_xlsx",
    ),
]
