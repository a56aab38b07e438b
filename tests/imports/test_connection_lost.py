"""An import that fails on the database says whether its connection was lost (start it again) or
the server refused a statement: the server's refusals carry a SQLSTATE, a failed connection
(even one that still looks open) does not."""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError, connection, transaction

from imports.runs import connection_lost


@pytest.mark.django_db
def test_a_connection_that_fails_in_the_client_library_is_lost() -> None:
    # The application's own connection still looks open, as it did when a terminated backend
    # surfaced as "consuming input failed: server closed the connection unexpectedly".
    connection.ensure_connection()
    assert not connection.connection.closed
    with pytest.raises(psycopg.OperationalError) as raised:
        psycopg.connect("host=127.0.0.1 port=1 connect_timeout=2")
    assert raised.value.sqlstate is None
    error = OperationalError(str(raised.value))
    error.__cause__ = raised.value
    assert connection_lost(error)


@pytest.mark.django_db
def test_a_statement_the_server_cancels_is_not_a_lost_connection() -> None:
    with pytest.raises(OperationalError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 10")
        cursor.execute("SELECT pg_sleep(1)")
    assert raised.value.__cause__.sqlstate == "57014"  # query_canceled
    assert not connection_lost(raised.value)
