"""A local Bolt server with no Neo4j install: ArcadeDB (PyPI ``arcadedb-embedded``) with its Bolt plugin.

``start(data_dir, port)`` launches ``python -m kg.neo4j.server serve`` as a detached background
process listening on 127.0.0.1 only, and returns once the official ``neo4j`` driver can talk to it.
The data directory holds everything: the databases, ``server.pid``, ``server.json`` (port, user,
database), the server log and, when ``NEO4J_PASSWORD`` is not set, a generated password in
``credentials`` (mode 0600). The password is never put on a command line: the child gets it through
its environment.

Lock-down: every listener binds 127.0.0.1; besides ``root`` (used by ``kg neo4j load``) the server has
a user ``reader`` (password in ``reader-credentials``, mode 0600) whose group may read records of
every type and nothing else (no create/update/delete, no schema, security or settings changes), so
ArcadeDB itself refuses a write smuggled past the console's checks. The consoles connect as
``reader``. A watchdog terminates any query of ``reader`` that runs past ``--query-timeout-s``, so
work abandoned by a client that timed out or died does not keep a core busy.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import BackendError, require
from ..settings import PASSWORD_ENV, bolt_dir, neo4j_password

DEFAULT_PORT = 7687
DEFAULT_DATABASE = "kg"
DEFAULT_USER = "root"  # ArcadeDB's administrator; the Bolt plugin authenticates against it
READER_USER = "reader"
READER_GROUP = "reader"
# ArcadeDB group: read records of every type; no other access (schema, security, settings).
_READER_GROUP_JSON = '{"resultSetLimit": -1, "readTimeout": -1, "access": [], "types": {"*": {"access": ["readRecord"]}}}'
DEFAULT_QUERY_TIMEOUT_S = 60.0
DEFAULT_HEAP = "1g"
HOST = "127.0.0.1"
_CHILD_PASSWORD_ENV = "KG_BOLT_ROOT_PASSWORD"
_CHILD_READER_ENV = "KG_BOLT_READER_PASSWORD"
_PID_FILE = "server.pid"
_INFO_FILE = "server.json"
_CREDENTIALS_FILE = "credentials"
_READER_CREDENTIALS_FILE = "reader-credentials"
_LOG_FILE = "server.log"
_MIN_PASSWORD = 8  # ArcadeDB refuses shorter root passwords


def default_data_dir() -> Path:
    """``KG_BOLT_DIR`` when set, else ``./.kg/bolt`` (see :mod:`kg.settings`)."""
    return bolt_dir()


@dataclass(frozen=True)
class ServerInfo:
    """How to reach a running local server."""

    pid: int
    port: int
    http_port: int
    user: str
    database: str
    data_dir: Path
    reader: str | None = None  # None: started by a version without the read-only user

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.port}"

    def password(self) -> str:
        return local_password(self.data_dir)

    def reader_auth(self) -> tuple[str, str]:
        """(user, password) of the read-only user, for consoles."""
        path = self.data_dir / _READER_CREDENTIALS_FILE
        if self.reader is None or not path.exists():
            raise BackendError(
                f"the Bolt server in {self.data_dir} has no read-only user (started by an older version): "
                f"restart it with `kg neo4j stop --data {self.data_dir}` and `kg neo4j start --data {self.data_dir}`"
            )
        return self.reader, path.read_text(encoding="utf-8").strip()


def local_password(data_dir: Path) -> str:
    """The password the local server was first started with.

    The generated one in ``<data>/credentials`` when it exists, else ``NEO4J_PASSWORD`` (the server
    keeps the root password of its first start, so the file wins over a variable set later for
    some other server).
    """
    path = Path(data_dir) / _CREDENTIALS_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    from_env = neo4j_password()
    if from_env:
        return from_env
    raise BackendError(
        f"no password for the local Bolt server in {data_dir}: set {PASSWORD_ENV} "
        "or start it with `kg neo4j start`"
    )


def _ensure_password(data_dir: Path) -> str:
    path = data_dir / _CREDENTIALS_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    from_env = neo4j_password()
    if from_env:
        if len(from_env) < _MIN_PASSWORD:
            raise BackendError(f"{PASSWORD_ENV} must have at least {_MIN_PASSWORD} characters for the local server")
        return from_env
    return _generate_secret(path)


def _ensure_reader_password(data_dir: Path) -> str:
    path = data_dir / _READER_CREDENTIALS_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    return _generate_secret(path)


def _generate_secret(path: Path) -> str:
    password = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    fields = _stat_fields(pid)  # a zombie child of ours is not alive
    return fields is None or fields[0] != "Z"


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (state first, flags seventh), or None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(")")[-1].split()
    except OSError:
        return None


def _command_line(pid: int) -> bytes | None:
    """``/proc/<pid>/cmdline``, or None where there is no such file."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def _is_our_server(pid: int, tries: int = 20) -> bool:
    """Whether live process ``pid`` runs ``kg.neo4j.server``.

    The kernel answers an empty command line now and then while a process maps memory (a JVM starting
    up, on a loaded machine): read again before deciding, and where it stays empty, do not call a
    live process a stranger (a pid file removed for that cost a test run its server) unless it is a
    kernel thread, whose command line is always empty.
    """
    for attempt in range(tries):
        cmdline = _command_line(pid)
        if cmdline is None:
            return _alive(pid)
        if cmdline:
            return b"kg.neo4j.server" in cmdline.split(b"\0")
        time.sleep(0.01 * (attempt + 1))
    return _alive(pid) and not _is_kernel_thread(pid)


def _is_kernel_thread(pid: int) -> bool:
    fields = _stat_fields(pid)
    try:
        return fields is not None and bool(int(fields[6]) & 0x00200000)  # PF_KTHREAD
    except (ValueError, IndexError):
        return False


def _recorded_pid(data_dir: Path, forget_info: bool = False) -> int | None:
    """The pid in ``data_dir``'s pid file when that process is alive and our server; else None, and a
    stale pid file (unreadable, or of a process that is gone or not ours) is removed, with the server
    info of a gone process too when ``forget_info``."""
    pid_file = data_dir / _PID_FILE
    if not pid_file.exists():
        return None
    try:
        pid = int(pid_file.read_text().strip())
    except ValueError:
        pid_file.unlink(missing_ok=True)
        return None
    if not (_alive(pid) and _is_our_server(pid)):
        pid_file.unlink(missing_ok=True)
        if forget_info:
            (data_dir / _INFO_FILE).unlink(missing_ok=True)
        return None
    return pid


def running(data_dir: Path | None = None) -> ServerInfo | None:
    """The server running on ``data_dir``, or None (a stale pid file is removed)."""
    data_dir = Path(data_dir or default_data_dir()).resolve()
    pid = _recorded_pid(data_dir)
    if pid is None:
        return None
    return _listening(data_dir, pid)


def _listening(data_dir: Path, pid: int) -> ServerInfo | None:
    """How to reach server ``pid`` once it has written ``server.json``; None while it is still starting."""
    try:
        info = json.loads((data_dir / _INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if info.get("pid") != pid:
        return None
    return ServerInfo(pid, int(info["port"]), int(info["http_port"]), info["user"], info["database"], data_dir,
                      info.get("reader"))


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _log_tail(data_dir: Path, lines: int = 5) -> str:
    try:
        text = (data_dir / _LOG_FILE).read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    interesting = [line for line in text if "SEVERE" in line or "Exception" in line or "Error" in line]
    return " | ".join((interesting or text)[-lines:])


def start(
    data_dir: Path | None = None,
    port: int = DEFAULT_PORT,
    *,
    heap: str = DEFAULT_HEAP,
    wait_s: float = 120.0,
    command_timeout_s: float = 60.0,
    databases: tuple[str, ...] = (DEFAULT_DATABASE,),
    watch_pid: int | None = None,
    query_timeout_s: float = DEFAULT_QUERY_TIMEOUT_S,
) -> ServerInfo:
    """Start the server in the background (or return the one already running there) and wait for Bolt.

    Queries of the read-only user are terminated after ``query_timeout_s``. With ``watch_pid`` the
    server stops by itself once that process is gone (test sessions use it,
    so a killed test run leaves no server behind).
    """
    data_dir = Path(data_dir or default_data_dir()).resolve()
    require("neo4j", "neo4j", "arcadedb_embedded")
    data_dir.mkdir(parents=True, exist_ok=True)
    existing = running(data_dir)
    if existing is not None:
        return existing
    if (data_dir / _PID_FILE).exists():
        raise BackendError(f"a server in {data_dir} is still starting; wait, or run `kg neo4j stop --data {data_dir}`")
    if not _port_free(port):
        raise BackendError(f"port {port} on {HOST} is in use: pick another with --port")
    http_port = free_port()
    password = _ensure_password(data_dir)
    env = dict(os.environ)
    env[_CHILD_PASSWORD_ENV] = password
    env[_CHILD_READER_ENV] = _ensure_reader_password(data_dir)
    env.pop(PASSWORD_ENV, None)
    # Put this worktree's kg first on the child's path, wherever it is started from.
    package_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    args = [
        sys.executable, "-m", "kg.neo4j.server", "serve",
        "--data", str(data_dir), "--port", str(port), "--http-port", str(http_port),
        "--heap", heap, "--command-timeout-ms", str(int(command_timeout_s * 1000)),
        "--databases", ",".join(databases), "--query-timeout-s", str(query_timeout_s),
    ]
    if watch_pid is not None:
        args += ["--watch-pid", str(watch_pid)]
    with open(data_dir / _LOG_FILE, "ab") as log:
        child = subprocess.Popen(
            args, cwd=data_dir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
    (data_dir / _PID_FILE).write_text(f"{child.pid}\n", encoding="ascii")
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        code = child.poll()
        if code is not None:
            (data_dir / _PID_FILE).unlink(missing_ok=True)
            raise BackendError(f"the Bolt server exited with status {code} while starting: {_log_tail(data_dir)}")
        info = _listening(data_dir, child.pid)  # our own child: its pid needs no checking against /proc
        if info is not None and _answers(info, password):
            return info
        time.sleep(0.25)
    tail = _log_tail(data_dir)
    stop(data_dir)
    raise BackendError(f"the Bolt server did not answer within {wait_s:.0f} s (see {data_dir / _LOG_FILE}): {tail}")


def _answers(info: ServerInfo, password: str) -> bool:
    from neo4j import GraphDatabase
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    try:
        with GraphDatabase.driver(info.uri, auth=(info.user, password), connection_timeout=2.0) as driver:
            driver.execute_query("RETURN 1 AS ok", database_=info.database)
        return True
    except (ServiceUnavailable, Neo4jError, OSError):
        return False


def stop(data_dir: Path | None = None, wait_s: float = 20.0) -> bool:
    """Stop the server of ``data_dir``; True when one was running. SIGTERM runs ArcadeDB's shutdown hook."""
    data_dir = Path(data_dir or default_data_dir()).resolve()
    pid = _recorded_pid(data_dir, forget_info=True)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait_s
    while _alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.1)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            _reap(pid)
            time.sleep(0.1)
    _reap(pid)
    (data_dir / _PID_FILE).unlink(missing_ok=True)
    (data_dir / _INFO_FILE).unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def serve(
    data_dir: Path, port: int, http_port: int, heap: str, command_timeout_ms: int, databases: list[str],
    watch_pid: int | None = None, query_timeout_s: float = DEFAULT_QUERY_TIMEOUT_S,
) -> None:
    """Run the server in this process until SIGTERM (the JVM's shutdown hook stops it cleanly)."""
    password = os.environ.pop(_CHILD_PASSWORD_ENV, None)
    reader_password = os.environ.pop(_CHILD_READER_ENV, None)
    if not password or not reader_password:
        raise SystemExit(f"{_CHILD_PASSWORD_ENV} or {_CHILD_READER_ENV} not set: start the server with `kg neo4j start`")
    os.chdir(data_dir)  # ArcadeDB writes ./log relative to the working directory
    from arcadedb_embedded.jvm import start_jvm

    start_jvm(heap_size=heap)
    import arcadedb_embedded

    server = arcadedb_embedded.create_server(
        str(data_dir),
        root_password=password,
        config={
            "host": HOST,
            "http_port": http_port,
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": port,
            "bolt_host": HOST,
            "bolt_defaultDatabase": databases[0],
            "command_timeout": command_timeout_ms,
        },
    )
    server.start()
    for name in databases:
        if not (data_dir / "databases" / name).exists():
            server.create_database(name)
    _ensure_reader(server, reader_password)
    _start_watchdog(server, query_timeout_s)
    info = {"pid": os.getpid(), "port": port, "http_port": http_port, "user": DEFAULT_USER, "database": databases[0],
            "reader": READER_USER, "query_timeout_s": query_timeout_s}
    tmp = data_dir / (_INFO_FILE + ".tmp")
    tmp.write_text(json.dumps(info), encoding="utf-8")
    tmp.replace(data_dir / _INFO_FILE)
    print(f"kg.neo4j.server: listening on bolt://{HOST}:{port} (databases {', '.join(databases)})", flush=True)
    try:
        while watch_pid is None or _alive(watch_pid):
            time.sleep(1.0)
        print(f"kg.neo4j.server: process {watch_pid} is gone, stopping", flush=True)
    finally:
        server.stop()
        (data_dir / _INFO_FILE).unlink(missing_ok=True)


def _ensure_reader(server, password: str) -> None:
    """The read-only group and user, (re)set at every start so a changed group file is put right."""
    import jpype

    security = server._java_server.getSecurity()
    json_object = jpype.JClass("com.arcadedb.serializer.json.JSONObject")
    security.saveGroup("*", READER_GROUP, json_object(_READER_GROUP_JSON))
    if security.existsUser(READER_USER):
        security.dropUser(READER_USER)  # a fresh entry also resets its database -> group mapping
    user = json_object().put("name", READER_USER).put("password", security.encodePassword(password))
    security.createUser(user.put("databases", json_object(json.dumps({"*": [READER_GROUP]}))))


def _start_watchdog(server, query_timeout_s: float) -> None:
    """Terminate queries of the read-only user that run past ``query_timeout_s``.

    ArcadeDB's Bolt plugin ignores the transaction timeout a driver sends and keeps computing after
    the client hangs up; a terminated query stops at its next check.
    """
    import threading

    registry = server._java_server.getRunningQueries()
    limit_ms = int(query_timeout_s * 1000)

    def loop() -> None:
        while True:
            time.sleep(0.5)
            try:
                for query in list(registry.getRunning()):
                    if str(query.getUser()) == READER_USER and query.getElapsedMillis() > limit_ms and not query.isTerminated():
                        query.terminate(f"kg.neo4j.server (ran past {query_timeout_s:g} s)")
            except Exception as error:  # a query that ended meanwhile; keep watching
                print(f"kg.neo4j.server: watchdog: {error}", flush=True)

    threading.Thread(target=loop, name="kg-bolt-watchdog", daemon=True).start()


def _main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kg.neo4j.server")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="run the server in the foreground (kg neo4j start runs this)")
    run.add_argument("--data", type=Path, required=True)
    run.add_argument("--port", type=int, default=DEFAULT_PORT)
    run.add_argument("--http-port", type=int, required=True)
    run.add_argument("--heap", default=DEFAULT_HEAP)
    run.add_argument("--command-timeout-ms", type=int, default=60000)
    run.add_argument("--databases", default=DEFAULT_DATABASE, help="comma-separated; the first is the default")
    run.add_argument("--watch-pid", type=int, default=None, help="stop when this process is gone")
    run.add_argument("--query-timeout-s", type=float, default=DEFAULT_QUERY_TIMEOUT_S,
                     help="terminate queries of the read-only user after this long")
    args = parser.parse_args(argv)
    names = [name for name in args.databases.split(",") if name]
    serve(args.data.resolve(), args.port, args.http_port, args.heap, args.command_timeout_ms, names, args.watch_pid,
          args.query_timeout_s)


if __name__ == "__main__":
    _main(sys.argv[1:])
