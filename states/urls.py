from django.urls import path

from states import views

app_name = "states"

urlpatterns = [
    path("", views.state_list, name="index"),
    path("<slug:code>/", views.state_detail, name="detail"),
]
