from django.urls import path

from hsds import views

app_name = "hsds"

urlpatterns = [
    path("", views.open_data, name="index"),
    path("hsds.zip", views.hsds_zip, name="download"),
]
