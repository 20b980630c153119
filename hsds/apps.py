from django.apps import AppConfig


class HsdsConfig(AppConfig):
    """The published directory as Open Referral HSDS 3.x: `manage.py
    export_hsds DIR` and the download, validated against the official schemas."""

    name = "hsds"
