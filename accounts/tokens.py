from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """One-time link for confirming an email address.

    The hash covers `is_active` and `last_login`, so a link stops working once it
    has been used, and an account staff switched off cannot switch itself back on
    with an old link.
    """

    key_salt = "accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        login = (
            ""
            if user.last_login is None
            else user.last_login.replace(microsecond=0, tzinfo=None)
        )
        return f"{user.pk}{user.is_active}{user.email}{login}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()
