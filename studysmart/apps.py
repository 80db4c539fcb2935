from django.apps import AppConfig


class StudysmartConfig(AppConfig):
    name = "studysmart"
    verbose_name = "StudySmart"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from studysmart import live_sockets, lockout  # noqa: F401 (connect their receivers)
        from studysmart.timing import watch_slow_queries

        connection_created.connect(watch_slow_queries, dispatch_uid="studysmart.slow_queries")
        # Request ids travel with the jobs a request enqueues (signals only: no database here).
        from studysmart.request_context import connect_signals

        connect_signals()
