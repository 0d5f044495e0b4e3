from django.urls import path

from readers import views

app_name = "readers"

urlpatterns = [
    path("", views.account, name="account"),
    path("professione/", views.profession, name="profession"),
    path("esporta/", views.export, name="export"),
    path("elimina/", views.delete, name="delete"),
    path("riservato/<int:pk>/", views.reserved_body, name="reserved"),
]
