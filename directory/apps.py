from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with the project's site (directory/admin.py)."""

    default_site = "directory.admin.AdminSite"
