from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # Connects the lockout logger to django-axes' signal.
        from accounts import throttling  # noqa: F401
