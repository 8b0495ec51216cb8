"""The public feedback pages: no login, no second factor (SPEC §5)."""

from django.urls import path

from lexkeep.feedback import views

app_name = "feedback_public"

urlpatterns = [
    path("", views.public_form, name="form"),
    path("thanks/", views.public_thanks, name="thanks"),
]
