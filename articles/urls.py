from django.urls import path

from articles import views, views_index, views_preview

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("cerca/", views.SearchView.as_view(), name="search"),
    path("archivio/", views_index.ArchiveIndexView.as_view(), name="archive"),
    path("archivio/<int:year>/", views_index.ArchiveYearView.as_view(), name="archive-year"),
    path("autori/", views_index.AuthorIndexView.as_view(), name="authors"),
    path("persone/", views_index.PersonIndexView.as_view(), name="people"),
    path("tag/", views_index.TagIndexView.as_view(), name="tags"),
    path("autori/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("persone/<slug:slug>/", views.PersonView.as_view(), name="person"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path(
        "archivio/<int:year>/<int:month>/",
        views.ArchiveMonthView.as_view(),
        name="archive-month",
    ),
    path("anteprima/<int:pk>/", views_preview.ArticlePreviewView.as_view(), name="preview"),
    path(
        "anteprima/link/<str:token>/",
        views_preview.ArticleSharedPreviewView.as_view(),
        name="preview-link",
    ),
    # Sections live at /<slug>/: these catch-alls come last.
    path("<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("<slug:section>/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
