"""The private bucket's storage (settings.STORAGES["private"] with
DJANGO_S3_PRIVATE_BUCKET). Imported only when configured: boto3 is slow to load."""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Objects only their owner and staff may read, through a checked view.

    Every object is written with the "private" ACL, whatever the bucket's
    default, and there is no URL for one, signed or not: the view streams it.
    """

    default_acl = "private"
    querystring_auth = True
    # Two uploads never share a name (therapists.uploads makes random ones);
    # should they, the second gets a new name rather than replacing evidence.
    file_overwrite = False
    # Reading spools the object to memory up to here (evidence is at most
    # 10 MB), then to a temporary file, not all of it in memory.
    max_memory_size = 2 * 1024 * 1024

    def url(self, name, parameters=None, expire=None, http_method=None):
        """Refused, as FileSystemStorage does without a base URL."""
        raise ValueError("This file is not accessible via a URL.")
