"""Account secrets for operators, on the database that holds the transactions.

    python -m adapters.gateway accounts issue <account id> [--url URL]
    python -m adapters.gateway accounts list [<account id>] [--url URL]
    python -m adapters.gateway accounts revoke <account id> (--secret <id> | --all) [--url URL]

``issue`` prints the new secret once, as the token the account puts after ``Bearer``: it is kept
only as a digest, and cannot be shown again (issue another, then revoke the old one). ``list``
shows secret ids and dates, never a secret or digest. The database is ``--url``, else
``PAYMENTS_DB_URL``, else ``BANK2_URL``; run as a login that may write
``gateway_account_secrets`` (the schema owner, or an operator's login: the function's login
may only read it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from adapters.engines.urls import open_bank2
from adapters.gateway.store import gateway_unit_of_work
from adapters.settings import SettingsError
from service.gateway.accounts import AccountSecrets, InvalidAccountIdError
from service.gateway.ports import SecretRecord
from service.stream.errors import StoreError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m adapters.gateway", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    commands = parser.add_subparsers(dest="command", required=True)
    accounts = commands.add_parser("accounts", help="issue, list and revoke account secrets")
    actions = accounts.add_subparsers(dest="action", required=True)
    issue = actions.add_parser("issue", help="issue a new secret for an account (shown once)")
    issue.add_argument("account", help="the account id: 1-64 letters, digits, '_' or '-'")
    listing = actions.add_parser("list", help="list secrets (never the secrets themselves)")
    listing.add_argument("account", nargs="?", help="only this account's")
    revoke = actions.add_parser("revoke", help="revoke one secret of an account, or all")
    revoke.add_argument("account")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--secret", help="the secret id, as listed (sk_...)")
    which.add_argument("--all", action="store_true", help="every active secret of the account")
    for command in (issue, listing, revoke):
        command.add_argument("--url", help="the database (default: PAYMENTS_DB_URL or BANK2_URL)")
    args = parser.parse_args(argv)

    url, setting = _database(args.url)
    if not url:
        parser.error("no database URL: set PAYMENTS_DB_URL or BANK2_URL, or pass --url")
    try:
        database = open_bank2(url, setting, streams=("payments",))
    except SettingsError as error:  # names the problem, never the URL
        print(f"accounts {args.action} failed: {error}", file=sys.stderr)  # noqa: T201
        return 1
    service = AccountSecrets(gateway_unit_of_work(database))
    try:
        return _run(service, args)
    except (StoreError, InvalidAccountIdError) as error:
        print(f"accounts {args.action} failed: {error}", file=sys.stderr)  # noqa: T201
        return 1
    finally:
        database.close()


def _run(service: AccountSecrets, args: argparse.Namespace) -> int:
    if args.action == "issue":
        issued = service.issue(args.account)
        print(f"Issued secret {issued.secret_id} for account {issued.account_id}.")  # noqa: T201
        print("Give the account this token; it is shown only now and cannot be recovered:")  # noqa: T201
        print(f"\n    Authorization: Bearer {issued.token}\n")  # noqa: T201
        return 0
    if args.action == "list":
        print(_table(service.list(args.account)))  # noqa: T201
        return 0
    revoked = service.revoke(args.account, None if args.all else args.secret)
    print(f"Revoked {revoked} secret(s) of account {args.account}.")  # noqa: T201
    return 0 if revoked or args.all else 1


def _table(secrets: list[SecretRecord]) -> str:
    if not secrets:
        return "No secrets issued."
    rows = [("ACCOUNT", "SECRET ID", "ISSUED (UTC)", "STATUS")]
    for secret in secrets:
        status = (
            "active"
            if secret.revoked_at is None
            else f"revoked {secret.revoked_at:%Y-%m-%d %H:%M:%S}"
        )
        rows.append(
            (secret.account_id, secret.secret_id, f"{secret.created_at:%Y-%m-%d %H:%M:%S}", status)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    )


def _database(url: str | None) -> tuple[str | None, str]:
    if url:
        return url, "--url"
    for setting in ("PAYMENTS_DB_URL", "BANK2_URL"):
        found = os.environ.get(setting, "").strip()
        if found:
            return found, setting
    return None, ""


if __name__ == "__main__":
    sys.exit(main())
