"""Stored files that outlive their rows: photos and evidence replaced or deleted.

A file is deleted only once the database change that dropped it has committed: a
rolled-back change still points at its files, so they must still be there.
"""

from django.db import transaction
from django.db.models.fields.files import FieldFile


def delete_on_commit(*files: FieldFile) -> None:
    """Delete these files from their storage once the current transaction commits.

    Empty fields are skipped. Each file's storage and name are read now, so a field
    given a new file before the commit still deletes only the old one. Nothing is
    deleted if the transaction rolls back; outside a transaction, it happens now.
    """
    stored = [(file.storage, file.name) for file in files if file]

    def delete() -> None:
        for storage, name in stored:
            storage.delete(name)

    if stored:
        transaction.on_commit(delete)
