"""A private PostgreSQL server that asks for passwords, for the tests that need one.

The machine's own server trusts every local connection (``pg_hba.conf`` says ``trust``), so a
wrong password can never fail there. This runs the same PostgreSQL binaries on a throwaway data
directory and a free loopback port, with ``scram-sha-256`` for every connection, and removes it
afterwards. Where the binaries are missing the tests that need it are skipped locally and fail
under CI, like the engines in ``tests/databases.py``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
# PostgreSQL refuses to run as root: as root, the server runs as this account.
_SERVER_ACCOUNT = "postgres"


@dataclass(frozen=True)
class PrivateServer:
    host: str
    port: int
    admin: str
    admin_password: str
    # The certificate authority that signed the server's TLS certificate (for "localhost").
    ca_file: Path

    def url(self, user: str, password: str | None, database: str = "postgres") -> str:
        credentials = f"{user}:{password}" if password is not None else user
        return f"postgresql://{credentials}@{self.host}:{self.port}/{database}?sslmode=disable"


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivateServer]:
    if not _BINARIES:
        reason = "PostgreSQL server binaries not found under /usr/lib/postgresql"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must run the password sign-in tests)")
        pytest.skip(reason)
    bindir = _BINARIES[0].parent
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="bank2-pg-") as scratch:
        root = Path(scratch)
        account = _server_account(root)
        (root / "pw").write_text(password + "\n", encoding="utf-8")
        _give(root / "pw", account)
        port = _free_port()
        data, log = root / "data", root / "server.log"
        initdb = [bindir / "initdb", "-D", data, "-U", "admin", f"--pwfile={root / 'pw'}"]
        _run(account, [*initdb, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"])
        ca_file = _certificates(root, account)
        settings = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on"
            f" -c ssl_cert_file={root / 'server.crt'} -c ssl_key_file={root / 'server.key'}"
        )
        _run(account, [bindir / "pg_ctl", "-D", data, "-o", settings, "-l", log, "-w", "start"])
        try:
            yield PrivateServer("127.0.0.1", port, "admin", password, ca_file)
        finally:
            _run(account, [bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"])


def _certificates(root: Path, account: str | None) -> Path:
    """A throwaway certificate authority, and a server certificate for localhost it signed."""
    ca_key, ca_crt = root / "ca.key", root / "ca.crt"
    key, request, crt = root / "server.key", root / "server.csr", root / "server.crt"
    openssl = shutil.which("openssl") or "openssl"
    san = _write(root / "san.cnf", "subjectAltName=DNS:localhost\n")
    commands: list[list[object]] = [
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj"],
        [openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost"],
        [openssl, "x509", "-req", "-in", request, "-CA", ca_crt, "-CAkey", ca_key],
    ]
    commands[0] += ["/CN=bank2 test CA", "-keyout", ca_key, "-out", ca_crt]
    commands[1] += ["-keyout", key, "-out", request]
    commands[2] += ["-CAcreateserial", "-days", "1", "-out", crt, "-extfile", san]
    for command in commands:
        _run(None, command)
    key.chmod(0o600)  # the server refuses a key others may read
    _give(key, account)
    _give(crt, account)
    return ca_crt


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _server_account(root: Path) -> str | None:
    if os.geteuid() != 0:
        return None
    root.chmod(0o755)
    _give(root, _SERVER_ACCOUNT)
    return _SERVER_ACCOUNT


def _give(path: Path, account: str | None) -> None:
    if account is not None:
        entry = pwd.getpwnam(account)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _run(account: str | None, command: list[object]) -> None:
    arguments = [str(part) for part in command]
    runuser = shutil.which("runuser")
    if account is not None and runuser is not None:
        arguments = [runuser, "-u", account, "--", *arguments]
    subprocess.run(arguments, check=True, capture_output=True, timeout=60)  # noqa: S603


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
