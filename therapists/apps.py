import datetime

from django.apps import AppConfig


class TherapistsConfig(AppConfig):
    name = "therapists"

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from core import schedule
        from therapists import fulltext, nearest, tasks

        schedule.manual("rerank", tasks.rerank)
        # At night, when few therapists write (each step holds the write
        # lock), after the prune at 03:30.
        schedule.daily(
            "compact_search_index", tasks.compact_index, at=datetime.time(3, 45)
        )
        # Whether the KNN index is there: noted as a connection opens, and
        # again after migrate (which may have just created it).
        connection_created.connect(
            lambda connection, **kwargs: nearest.note_knn_index(connection),
            weak=False,
            dispatch_uid="therapists.nearest.connection",
        )
        # The full-text vocabulary a bounded `q` reads (a temporary table).
        connection_created.connect(
            lambda connection, **kwargs: fulltext.create_vocabulary(connection),
            weak=False,
            dispatch_uid="therapists.fulltext.connection",
        )
        post_migrate.connect(
            lambda using, **kwargs: nearest.note_knn_index(connections[using]),
            sender=self,
            weak=False,
            dispatch_uid="therapists.nearest.migrate",
        )
