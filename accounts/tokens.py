from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """One-time link for confirming an email address.

    The hash covers `is_active`, so a link stops working once it has been used.
    """

    key_salt = "accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()
