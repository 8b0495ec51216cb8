from django.urls import path

from lexkeep.feedback import views
from lexkeep.web.views import area_page

app_name = "feedback"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("rules/", area_page, {"key": "feedback"}, name="rules"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("summary/", views.summary, name="summary"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/transition/", views.case_transition, name="transition"),
    path("<int:pk>/extend/", views.case_extend, name="extend"),
    path("<int:pk>/satisfaction/", views.case_satisfaction, name="satisfaction"),
    path("<int:pk>/assign/", views.case_assign, name="assign"),
    path("<int:pk>/classify/", views.case_classify, name="classify"),
]
