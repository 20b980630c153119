from django.urls import path

from shortlist import views

app_name = "shortlist"

urlpatterns = [
    path("therapists/<slug:slug>/shortlist/", views.toggle_shortlist, name="toggle"),
    path("shortlist/", views.shortlist_page, name="shortlist"),
    path("compare/", views.compare, name="compare"),
    path("compare/print/", views.compare_print, name="compare_print"),
]
