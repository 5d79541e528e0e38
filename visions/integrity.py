"""Database triggers that keep every link inside one workshop.

A row that links to rows of a workshop (a target's vision, a vote's issue and
participant, an action's prerequisite, ...) must not link to another workshop's
rows, and a row never moves to another workshop. Model save() methods and the
m2m guards in signals.py say so early with a clear message; these triggers make
it hold for everything written around them too (`.update()`, `bulk_create`,
through-rows, raw SQL). Check constraints cannot look at other rows, hence
triggers, on SQLite and PostgreSQL alike.

The triggers are derived from the models, so a new link is covered on the next
`migrate`. They are dropped before migrations run (SQLite rebuilds a table to
alter it, and a trigger naming the dropped table would make the rebuild fail)
and installed again afterwards.
"""

from django.apps import apps as installed_apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import ForeignKey
from django.db.models.signals import post_migrate, pre_migrate
from django.dispatch import receiver

PREFIX = "fc_same_workshop_"
APP_LABEL = "visions"
# The links that are meant to cross workshops: a target or action of the next round names the
# same one of the round before (visions/documents/rounds.py).
CROSS_WORKSHOP_LINKS = frozenset({"carried_from"})


def _owned(model):
    """Whether rows of `model` belong to a workshop through their own `workshop` column."""
    try:
        field = model._meta.get_field("workshop")
    except FieldDoesNotExist:
        return False
    return isinstance(field, ForeignKey)


def workshop_links(registry=installed_apps):
    """(model, own workshop column or None, [(column, related model, its key column)]) to check.

    A model without its own workshop column is anchored on its first link: all its
    links must then agree with each other. `registry` may be a migration state's apps,
    so that the triggers match the tables as migrated.
    """
    specs = []
    for model in registry.get_app_config(APP_LABEL).get_models():
        links = [
            (field.column, field.related_model, field.target_field.column)
            for field in model._meta.concrete_fields
            if isinstance(field, ForeignKey)
            and field.name != "workshop"
            and field.name not in CROSS_WORKSHOP_LINKS
            and _owned(field.related_model)
        ]
        own = model._meta.get_field("workshop").column if _owned(model) else None
        if own is None and len(links) < 2:
            continue
        specs.append((model, own, links))
    return specs


def _conditions(quote, own, links):
    def workshop_of(column, related, target_column):
        related_workshop = related._meta.get_field("workshop").column
        return (
            f"(SELECT {quote(related_workshop)} FROM {quote(related._meta.db_table)} "
            f"WHERE {quote(target_column)} = NEW.{quote(column)})"
        )

    if own is not None:
        anchor, others = f"NEW.{quote(own)}", links
    else:
        anchor, others = workshop_of(*links[0]), links[1:]
    links_outside = " OR ".join(f"{workshop_of(*link)} <> {anchor}" for link in others) or "FALSE"
    moves = f"NEW.{quote(own)} <> OLD.{quote(own)}" if own is not None else "FALSE"
    return links_outside, moves


def _sqlite_statements(quote, model, own, links):
    table = model._meta.db_table
    links_outside, moves = _conditions(quote, own, links)
    name = f"{PREFIX}{table}"
    raise_outside = f"SELECT RAISE(ABORT, '{table} links outside its workshop');"
    raise_moves = f"SELECT RAISE(ABORT, '{table} cannot move to another workshop');"
    statements = []
    if links:
        for event in ("INSERT", "UPDATE"):
            statements.append(
                f"CREATE TRIGGER {quote(f'{name}_{event.lower()}')} BEFORE {event} ON {quote(table)} "
                f"FOR EACH ROW WHEN {links_outside} BEGIN {raise_outside} END"
            )
    if own is not None:
        statements.append(
            f"CREATE TRIGGER {quote(f'{name}_move')} BEFORE UPDATE ON {quote(table)} "
            f"FOR EACH ROW WHEN {moves} BEGIN {raise_moves} END"
        )
    return statements


def _postgresql_statements(quote, model, own, links):
    table = model._meta.db_table
    links_outside, moves = _conditions(quote, own, links)
    name = f"{PREFIX}{table}"
    checks = []
    if own is not None:
        # Nested: OLD is not assigned on INSERT.
        checks.append(
            f"IF TG_OP = 'UPDATE' THEN IF {moves} THEN RAISE EXCEPTION '{table} cannot move to another "
            f"workshop' USING ERRCODE = 'integrity_constraint_violation'; END IF; END IF;"
        )
    if links:
        checks.append(
            f"IF {links_outside} THEN RAISE EXCEPTION '{table} links outside its workshop' "
            f"USING ERRCODE = 'integrity_constraint_violation'; END IF;"
        )
    body = "\n    ".join(checks)
    return [
        f"CREATE FUNCTION {quote(name)}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
        f"BEGIN\n    {body}\n    RETURN NEW;\nEND\n$body$",
        f"CREATE TRIGGER {quote(name)} BEFORE INSERT OR UPDATE ON {quote(table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {quote(name)}()",
    ]


def drop_triggers(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, %s) = %s",
                [len(PREFIX), PREFIX],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {connection.ops.quote_name(name)}")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = current_schema() AND left(p.proname, %s) = %s",
                [len(PREFIX), PREFIX],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP FUNCTION IF EXISTS {connection.ops.quote_name(name)}() CASCADE")


def install_triggers(connection, registry=installed_apps):
    """(Re)create the triggers for every model whose table exists; returns how many tables got one."""
    builders = {"sqlite": _sqlite_statements, "postgresql": _postgresql_statements}
    build = builders.get(connection.vendor)
    if build is None:
        return 0
    drop_triggers(connection)
    tables = set(connection.introspection.table_names())
    installed = 0
    with connection.cursor() as cursor:
        for model, own, links in workshop_links(registry):
            needed = {model._meta.db_table} | {related._meta.db_table for _, related, _ in links}
            if not needed <= tables:
                continue
            for statement in build(connection.ops.quote_name, model, own, links):
                cursor.execute(statement)
            installed += 1
    return installed


def _is_this_app(app_config):
    return app_config is not None and app_config.label == APP_LABEL


@receiver(pre_migrate, dispatch_uid="visions.integrity.drop")
def drop_before_migrating(sender, app_config=None, using="default", **kwargs):
    if _is_this_app(app_config):
        drop_triggers(connections[using])


@receiver(post_migrate, dispatch_uid="visions.integrity.install")
def install_after_migrating(sender, app_config=None, using="default", apps=None, **kwargs):
    if _is_this_app(app_config):
        install_triggers(connections[using], apps or installed_apps)
