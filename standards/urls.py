from django.urls import path

from standards import views

app_name = "standards"

urlpatterns = [
    path("rettifica/", views.CorrectionRequestView.as_view(), name="rettifica"),
    path("trasparenza/", views.TransparencyView.as_view(), name="transparency"),
    path("trasparenza/<slug:kind>/", views.PolicyView.as_view(), name="policy"),
    path("accessibilita/", views.AccessibilityView.as_view(), name="accessibility"),
    path(".well-known/tdmrep.json", views.tdmrep, name="tdmrep"),
]
