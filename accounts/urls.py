from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path(
        "signup/clinician/",
        views.ClinicianSignUpView.as_view(),
        name="clinician-signup",
    ),
    path("confirm/<uidb64>/<token>/", views.confirm_email, name="confirm"),
    path("confirm/", views.ResendConfirmationView.as_view(), name="resend"),
    path("home/", views.account_home, name="home"),
    path("me/", views.MyAccountView.as_view(), name="me"),
    path("me/export/", views.ExportDataView.as_view(), name="export"),
    path("me/delete/", views.DeleteAccountView.as_view(), name="delete"),
]
