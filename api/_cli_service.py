"""The service's subcommands of ``smart-audit``: ``serve``, ``keys create|list|revoke``, ``db upgrade|current``.

Each reads the service settings from the environment (``SMART_AUDIT_DATABASE_URL`` or ``DATABASE_URL``, ...);
``--database-url`` overrides. ``keys`` brings the database to the latest migration first, as the service does.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["add_service_commands"]

EXIT_OK = 0
EXIT_INVALID = 1


def _settings(args: argparse.Namespace) -> Any:
    from api.settings import Settings

    overrides: dict[str, Any] = {}
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    if getattr(args, "kb", None):
        overrides["kb_path"] = args.kb
    return Settings(**overrides)


def _engine(args: argparse.Namespace, *, migrate: bool) -> Any:
    from api import migrate as migrations
    from api.db import make_engine

    settings = _settings(args)
    engine = make_engine(settings.database_url)
    if migrate and settings.migrate_on_startup:
        migrations.upgrade(engine)
    return engine


def cmd_serve(args: argparse.Namespace) -> int:
    from api.serve import serve

    serve(_settings(args), host=args.host, port=args.port, workers=args.workers, log_level=args.log_level)
    return EXIT_OK


def _key_row(record: Any) -> dict[str, Any]:
    return {
        "id": record.id,
        "prefix": record.prefix,
        "name": record.name,
        "role": record.role,
        "enterprise_id": record.enterprise_id,
        "districts": list(record.districts or []),
        "created_at": record.created_at.isoformat(),
        "revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
    }


def cmd_keys_create(args: argparse.Namespace) -> int:
    from api.db import make_sessions
    from api.keys import KeyRequestError, create_key

    engine = _engine(args, migrate=True)
    try:
        with make_sessions(engine)() as session:
            try:
                new = create_key(
                    session, role=args.role, name=args.name, enterprise_id=args.enterprise, districts=args.district
                )
            except KeyRequestError as exc:
                print(f"smart-audit keys create: {exc}", file=sys.stderr)
                return EXIT_INVALID
            session.commit()
            row = _key_row(new.record)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps({**row, "secret": new.secret}, ensure_ascii=False, indent=2))
    else:
        scope = row["enterprise_id"] or ", ".join(row["districts"]) or "all records"
        print(f"created {row['id']} ({row['role']}, {scope}): {row['name']}")
        print(f"API key (shown once; store it now): {new.secret}")
    return EXIT_OK


def cmd_keys_list(args: argparse.Namespace) -> int:
    from api.db import make_sessions
    from api.keys import list_keys

    engine = _engine(args, migrate=True)
    try:
        with make_sessions(engine)() as session:
            rows = [_key_row(r) for r in list_keys(session, include_revoked=not args.active)]
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("no API keys")
    for row in rows:
        scope = row["enterprise_id"] or ",".join(row["districts"]) or "-"
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
        print(f"{row['id']}  sak_{row['prefix']}_…  {row['role']:<10}  {scope:<24}  {state:<10}  {row['name']}")
    return EXIT_OK


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from api.db import make_sessions
    from api.keys import KeyRequestError, revoke_key

    engine = _engine(args, migrate=True)
    try:
        with make_sessions(engine)() as session:
            try:
                record = revoke_key(session, args.id)
            except KeyRequestError as exc:
                print(f"smart-audit keys revoke: {exc}", file=sys.stderr)
                return EXIT_INVALID
            session.commit()
            print(
                f"revoked {record.id} ({record.name}) at {record.revoked_at.isoformat() if record.revoked_at else ''}"
            )
    finally:
        engine.dispose()
    return EXIT_OK


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from api import migrate

    engine = _engine(args, migrate=False)
    try:
        migrate.upgrade(engine, args.revision)
        print(f"database at revision {migrate.current_revision(engine)}")
    finally:
        engine.dispose()
    return EXIT_OK


def cmd_db_current(args: argparse.Namespace) -> int:
    from api import migrate

    engine = _engine(args, migrate=False)
    try:
        current, head = migrate.current_revision(engine), migrate.head_revision()
    finally:
        engine.dispose()
    print(f"current {current or '(empty)'}, head {head}")
    return EXIT_OK if current == head else EXIT_INVALID


def add_service_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``serve``, ``keys`` and ``db`` to the ``smart-audit`` subcommands."""
    db_opt = argparse.ArgumentParser(add_help=False)
    db_opt.add_argument(
        "--database-url",
        help="SQLAlchemy URL (default: $SMART_AUDIT_DATABASE_URL, $DATABASE_URL or ./smart-audit.sqlite3)",
    )

    serve = sub.add_parser("serve", parents=[common, db_opt], help="run the HTTP API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (one inference at a time each)")
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(func=cmd_serve)

    keys = sub.add_parser("keys", help="API keys of the HTTP API")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    create = keys_sub.add_parser("create", parents=[db_opt], help="create a key; its secret is printed once")
    create.add_argument("--role", required=True, choices=["enterprise", "auditor", "platform", "bureau", "admin"])
    create.add_argument("--name", required=True, help="who or what holds the key")
    create.add_argument("--enterprise", help="enterprise id (enterprise keys)")
    create.add_argument("--district", action="append", default=[], help="district (auditor keys; repeatable)")
    create.add_argument("--json", action="store_true", help="print the key record and the secret as JSON")
    create.set_defaults(func=cmd_keys_create)
    lst = keys_sub.add_parser("list", parents=[db_opt], help="list keys (never their secrets)")
    lst.add_argument("--active", action="store_true", help="leave out revoked keys")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_keys_list)
    revoke = keys_sub.add_parser("revoke", parents=[db_opt], help="revoke a key by id")
    revoke.add_argument("id", help="key id (key_...)")
    revoke.set_defaults(func=cmd_keys_revoke)

    db = sub.add_parser("db", help="the service's database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", parents=[db_opt], help="apply the migrations (default: to the latest)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=cmd_db_upgrade)
    cur = db_sub.add_parser("current", parents=[db_opt], help="show the revision; exit 1 if not the latest")
    cur.set_defaults(func=cmd_db_current)
