from django.urls import URLPattern, URLResolver, path

from readers import views

app_name = "readers"

urlpatterns = [
    path("", views.account, name="account"),
    path("professione/", views.profession, name="profession"),
    path("esporta/", views.export, name="export"),
    path("elimina/", views.delete, name="delete"),
    path("riservato/<int:pk>/", views.reserved_body, name="reserved"),
]


def staff_refused(patterns):
    """`patterns` (django-allauth's), each view refusing staff like our reader pages.

    Staff sign in at the admin, so the two-factor pages of allauth are not theirs:
    an authenticator enrolled there would never be asked for.
    """
    return [
        URLResolver(entry.pattern, staff_refused(entry.url_patterns))
        if isinstance(entry, URLResolver)
        else URLPattern(
            entry.pattern, views.refuse_staff(entry.callback), entry.default_args, entry.name
        )
        for entry in patterns
    ]
