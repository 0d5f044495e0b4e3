from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.SubscribeView.as_view(), name="subscribe"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
]
