from django.urls import path

from core import views

app_name = "core"

# Bare paths at the root, where load balancers and Prometheus look for them.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
]
