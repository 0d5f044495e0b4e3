from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.SubscribeView.as_view(), name="subscribe"),
    path("conferma/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("nuovo-link/", views.ResendConfirmationView.as_view(), name="resend"),
    path("disiscrizione/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("preferenze/<str:token>/", views.PreferencesView.as_view(), name="preferences"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("l/<int:edition_id>/<int:article_id>/", views.ClickView.as_view(), name="click"),
    path("rimbalzi/<str:secret>/", views.BounceWebhookView.as_view(), name="bounces"),
]
