from django.urls import path

from verification import roster_views, views

app_name = "verification"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.review, name="review"),
    path(
        "<int:pk>/evidence/<int:page>.png",
        views.evidence_page,
        name="evidence-page",
    ),
    path("rosters/", roster_views.roster_list, name="rosters"),
    path("rosters/new/", roster_views.roster_new, name="roster-new"),
    path("rosters/<int:pk>/", roster_views.roster_detail, name="roster-detail"),
    path(
        "rosters/<int:pk>/status.json",
        roster_views.roster_status,
        name="roster-status",
    ),
    path("rosters/<int:pk>/retry/", roster_views.roster_retry, name="roster-retry"),
]
