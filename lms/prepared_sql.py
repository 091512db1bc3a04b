"""A SELECT written once for a hot path, its rows turned into model instances by the fields' own converters.

Why: building the SQL of a queryset (clones, joins, select_related, quoting) costs more CPU than running it
for a one-row look-up by primary key. On the exam's autosave it was most of the server's CPU time
(issue 16, bench/exams_autosave_profile.py). `Prepared` keeps the ORM's meaning (table and column names
come from the models, values pass through the same converters as a queryset's, the instances it builds
have the other fields deferred, so reading one of them loads it as Django always does) without building
the statement again on each request.

    rows = Prepared(
        [(AttemptQuestion, "aq", ["id", "response"]), (Attempt, "a", ["id", "status"])],
        "FROM {aq} INNER JOIN {a} ON {a.id} = {aq.attempt_id} WHERE {aq.id} = %s",
    )
    aq, attempt = rows.first([pk]) or (None, None)

Placeholders: `{alias}` is the quoted table with its alias, `{alias.field}` the quoted column (attname).
"""
import re

from django.db import connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


class Prepared:
    def __init__(self, parts, tail: str, using: str = "default"):
        # Model.from_db takes the values in the order of the model's fields: the columns are selected so
        self.parts = [(model, alias, self._in_model_order(model, fields)) for model, alias, fields in parts]
        self.tail = tail
        self.using = using
        self._sql = {}         # vendor -> statement
        self._converters = {}  # id(connection) -> [(expression, [converter, ...]), ...]

    @staticmethod
    def _in_model_order(model, fields):
        order = {f.name: i for i, f in enumerate(model._meta.concrete_fields)}
        order.update({f.attname: i for i, f in enumerate(model._meta.concrete_fields)})
        unknown = [n for n in fields if n not in order]
        if unknown:
            raise ValueError(f"{model.__name__} has no concrete field {unknown}")
        return sorted(fields, key=order.__getitem__)

    def _columns(self):
        for model, alias, fields in self.parts:
            for name in fields:
                yield model, alias, model._meta.get_field(name)

    def sql(self, connection, tail_extra: str = "") -> str:
        key = (connection.vendor, tail_extra)
        if key not in self._sql:
            qn = connection.ops.quote_name
            cols = ", ".join(f"{qn(alias)}.{qn(f.column)}" for _m, alias, f in self._columns())
            names = {}
            for model, alias, _fields in self.parts:
                names[alias] = f"{qn(model._meta.db_table)} {qn(alias)}"
                for f in model._meta.concrete_fields:
                    names[f"{alias}.{f.attname}"] = f"{qn(alias)}.{qn(f.column)}"
            self._sql[key] = f"SELECT {cols} " + re.sub(r"\{([\w.]+)\}", lambda m: names[m.group(1)], self.tail) + tail_extra
        return self._sql[key]

    def converters(self, connection):
        key = id(connection)
        if key not in self._converters:
            out = []
            for _m, alias, f in self._columns():
                col = f.get_col(alias)
                out.append((col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)))
            self._converters = {key: out}  # one connection per thread: keep the last one only
        return self._converters[key]

    def first(self, params, tail_extra: str = ""):
        """The first row as one instance per part (in order), or None."""
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql(connection, tail_extra), params)
            row = cursor.fetchone()
        if row is None:
            return None
        values = []
        for value, (col, convs) in zip(row, self.converters(connection)):
            for conv in convs:
                value = conv(value, col, connection)
            values.append(value)
        out, i = [], 0
        for model, _alias, fields in self.parts:
            attnames = [model._meta.get_field(n).attname for n in fields]
            out.append(model.from_db(self.using, attnames, values[i:i + len(fields)]))
            i += len(fields)
        return out


# ---------------------------------------------------------------------------------------- server-side prepared
# PostgreSQL parses and plans a statement at every execution unless it is prepared; for a statement of several
# branches, planning costs more than running it (the verification resolver's: 0.5 ms planned each time, 0.13 ms
# prepared). Django turns psycopg's prepared statements off (prepare_threshold None, for connection poolers in
# transaction mode); the settings set a threshold no statement reaches (2**62), so that only the
# statements run through `prepared_cursor` are prepared, once per connection.


def prepared_cursor(using: str = "default"):
    """A cursor (Django's wrapper: its queries are counted and logged like any other) whose statements PostgreSQL
    prepares on first use on this connection and then only executes; parameters are bound by the server. A plain
    cursor on another database."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = _PreparingCursor(connection.connection)
    return _PreparedDebugWrapper(raw, connection) if connection.queries_logged else connection.make_cursor(raw)


class _PreparedDebugWrapper(CursorDebugWrapper):
    """Logs (connection.queries, the tests' query counts) the statement as written, its placeholders left in: the
    server binds the values of a prepared statement, so there is no client-side text of it to show."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


try:
    import psycopg
except ImportError:  # SQLite-only installs: prepared_cursor never reaches it
    psycopg = None
else:
    class _PreparingCursor(psycopg.Cursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)
