"""A local cluster on loopback: two app servers behind nginx, sharing
PostgreSQL, Redis, an S3 bucket server and one task worker.

    .venv/bin/python deploy/cluster.py [--port 8080] [--fresh]     (make cluster)

Runs in the foreground and stops everything it started on Ctrl-C or SIGTERM.
tests/cluster/ uses it as a library (`Cluster(...).start()`). Standard library,
plus what requirements-dev.txt installs (psycopg, redis, boto3, moto's server).

Every process gets the same environment (`Cluster.environment()`): the site
with debug off, as in production, except plain HTTP on loopback.
"""

import argparse
import contextlib
import ctypes
import mimetypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if not __package__:
    # Run as a script: deploy/ is a package of the project.
    sys.path.insert(0, str(BASE_DIR))

from deploy.mailsink import MailSink  # noqa: E402

PYTHON = sys.executable
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
PUBLIC_BUCKET = "backcare-public"
PRIVATE_BUCKET = "backcare-private"
# moto accepts any credentials; boto3 needs some.
S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "cluster",
    "AWS_SECRET_ACCESS_KEY": "cluster",
    "AWS_DEFAULT_REGION": "us-east-1",
}
# A direct opener: a proxy configured on the machine must not see loopback calls.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ClusterError(Exception):
    """Something the cluster needs is missing or would not start (one line)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the launcher dies, even by
    SIGKILL, so nothing it started outlives it (Linux only)."""
    with contextlib.suppress(OSError, AttributeError):
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Cluster:
    """Everything `make cluster` runs. Ports left at 0 are picked free."""

    run_dir: Path = BASE_DIR / ".cluster"
    port: int = 8080
    app_ports: tuple[int, int] = (0, 0)
    database: str = "backcare_cluster"
    postgres_url: str = "postgres://postgres@127.0.0.1:5432"
    redis_url: str = "redis://127.0.0.1:6379"
    redis_db: int = 13
    # Drop and create the database (a test run); else keep it (make cluster).
    fresh: bool = False
    seed: bool = True
    gunicorn_workers: int = 2
    # More DJANGO_* settings for every process (the test's small limits).
    settings: dict[str, str] = field(default_factory=dict)
    log: object = print

    def __post_init__(self):
        self.run_dir = Path(self.run_dir).resolve()
        self.app_ports = tuple(port or free_port() for port in self.app_ports)
        self.port = self.port or free_port()
        self.s3_port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.sink = MailSink(directory=self.run_dir / "mail")
        self.scheduler = False

    # Addresses.

    @property
    def url(self) -> str:
        """The entrance: nginx."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def app_urls(self) -> dict[str, str]:
        """Each app server's own address, behind nginx's back."""
        a, b = self.app_ports
        return {"a": f"http://127.0.0.1:{a}", "b": f"http://127.0.0.1:{b}"}

    @property
    def s3_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def database_url(self) -> str:
        return f"{self.postgres_url.rstrip('/')}/{self.database}"

    def environment(self) -> dict[str, str]:
        """What every process of the cluster runs with."""
        secret = self.run_dir / "secret_key"
        if not secret.exists():
            secret.write_text(secrets.token_urlsafe(50))
        return {
            **os.environ,
            **S3_CREDENTIALS,
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "directory.settings",
            # As in production: debug off, so static files are collected,
            # cookies are Secure and __Host- (browsers take them from
            # loopback), and mail goes over SMTP.
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secret.read_text(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no redirect to HTTPS. Production
            # terminates TLS at nginx and sets DJANGO_BEHIND_TLS_PROXY=1.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SITE_ADDRESS": self.url,
            # nginx connects from loopback: its X-Forwarded-For names the
            # client, so each visitor has their own rate limits (core.proxies).
            "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": f"{self.redis_url.rstrip('/')}/{self.redis_db}",
            "DJANGO_S3_BUCKET": PUBLIC_BUCKET,
            "DJANGO_S3_PRIVATE_BUCKET": PRIVATE_BUCKET,
            "DJANGO_S3_ENDPOINT_URL": self.s3_endpoint,
            "DJANGO_S3_REGION": S3_CREDENTIALS["AWS_DEFAULT_REGION"],
            # Nothing may land on disk: these stay empty (the test checks).
            "DJANGO_MEDIA_ROOT": str(self.run_dir / "media"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(self.run_dir / "private"),
            "DJANGO_SMTP_HOST": "127.0.0.1",
            "DJANGO_SMTP_PORT": str(self.sink.port),
            "DJANGO_METRICS": "on",
            **self.settings,
        }

    # Starting and stopping.

    def start(self) -> "Cluster":
        """Start everything, or stop what started and raise ClusterError."""
        self.check_services()
        if not port_is_free(self.port):
            raise ClusterError(f"Port {self.port} is taken: pass another with --port")
        for name in ("logs", "nginx", "media", "private"):
            (self.run_dir / name).mkdir(parents=True, exist_ok=True)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        started = time.monotonic()
        self.sink.start()
        moto = Path(PYTHON).parent / "moto_server"
        self._spawn("s3", [str(moto), "-H", "127.0.0.1", "-p", str(self.s3_port)])
        self._wait_for_port("s3", self.s3_port)
        self._make_buckets()
        self._prepare_database()
        self._flush_redis()
        self._restore_buckets()
        # Once, before any app server: with several app servers, migrations
        # run from one place while none serves (or stay backwards compatible).
        self.log("Migrating ...")
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        if self.seed:
            self.log("Seeding the demo data (into an empty database) ...")
            self.manage("seed_demo", "--if-empty")
        for name in ("a", "b"):
            self.start_app(name, wait=False)
        self.start_worker()
        self.scheduler = self.manage_ok("help", "scheduler")
        if self.scheduler:
            # One per app server, as in production; they agree among themselves.
            for name in ("a", "b"):
                self._spawn(f"scheduler-{name}", self._manage_command("scheduler"))
        self._start_nginx()
        for name in ("a", "b"):
            self.wait_ready(name)
        self._wait_http("nginx", f"{self.url}/healthz")
        self.log(f"Cluster up in {time.monotonic() - started:.0f} s.")

    def stop(self) -> None:
        """Stop every process (SIGTERM to its group, SIGKILL after 10 s), once
        the buckets are saved beside the database, which is kept."""
        s3 = self.processes.get("s3")
        if s3 is not None and s3.poll() is None:
            try:
                self._save_buckets()
            except Exception as error:  # stop all the same
                self.log(f"Could not save the buckets: {error}")
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
        with contextlib.suppress(Exception):
            self.sink.stop()

    def kill(self, name: str) -> None:
        """SIGKILL a process and everything it started (gunicorn's workers too),
        as when its machine dies."""
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def start_app(self, name: str, wait: bool = True) -> None:
        """Start app server `name` ("a" or "b") with gunicorn."""
        port = self.app_ports["ab".index(name)]
        metrics = self.run_dir / f"metrics-{name}"
        self._spawn(
            f"app-{name}",
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "--config",
                str(BASE_DIR / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(self.gunicorn_workers),
                "--name",
                f"backcare-{name}",
                "directory.wsgi",
            ],  # fmt: skip
            # Each server's workers add up their counters in their own folder.
            PROMETHEUS_MULTIPROC_DIR=str(metrics),
        )
        if wait:
            self.wait_ready(name)

    def start_worker(self) -> None:
        """Start the task worker (every email)."""
        self._spawn(
            "worker",
            self._manage_command("db_worker", "--no-reload", "--no-startup-delay"),
        )

    def wait_ready(self, name: str, timeout: float = 60) -> None:
        self._wait_http(f"app-{name}", f"{self.app_urls[name]}/readyz", timeout)

    # Management commands.

    def _manage_command(self, *args: str) -> list[str]:
        return [PYTHON, str(BASE_DIR / "manage.py"), *args]

    def manage(self, *args: str) -> str:
        """Run a management command with the cluster's environment; its output."""
        done = subprocess.run(  # noqa: S603 - our own interpreter and code
            self._manage_command(*args),
            cwd=BASE_DIR,
            env=self.environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:]
            raise ClusterError(f"manage.py {args[0]} failed: {' '.join(last)}")
        return done.stdout

    def manage_ok(self, *args: str) -> bool:
        try:
            self.manage(*args)
        except ClusterError:
            return False
        return True

    # The services the cluster shares.

    def check_services(self) -> None:
        """Raise ClusterError naming the first of nginx, PostgreSQL, Redis missing."""
        if not os.access(NGINX, os.X_OK):
            raise ClusterError(
                f"nginx is missing at {NGINX}: apt-get install -y nginx-light"
            )
        import psycopg
        import redis

        try:
            psycopg.connect(f"{self.postgres_url}/postgres", connect_timeout=3).close()
        except psycopg.Error as error:
            raise ClusterError(
                f"PostgreSQL is not reachable at {self.postgres_url}: "
                f"{str(error).strip().splitlines()[0]}"
            ) from None
        try:
            redis.Redis.from_url(self.redis_url, socket_timeout=3).ping()
        except redis.RedisError as error:
            raise ClusterError(
                f"Redis is not reachable at {self.redis_url}: {error}"
            ) from None

    def _prepare_database(self) -> None:
        import psycopg
        from psycopg import sql

        name = sql.Identifier(self.database)
        with psycopg.connect(f"{self.postgres_url}/postgres", autocommit=True) as db:
            exists = db.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.database]
            ).fetchone()
            # moto keeps its buckets in memory: a database kept without the
            # copy of its buckets saved when it last stopped would name photos
            # that are gone.
            if exists and not self.fresh and not self._saved_buckets.exists():
                self.log("No copy of the buckets from the last run: a fresh start.")
                self.fresh = True
            if self.fresh:
                db.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name)
                )
                shutil.rmtree(self._saved_buckets, ignore_errors=True)
                exists = False
            if not exists:
                db.execute(sql.SQL("CREATE DATABASE {}").format(name))

    def _flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url, db=self.redis_db).flushdb()

    def s3_client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint,
            region_name=S3_CREDENTIALS["AWS_DEFAULT_REGION"],
            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def _make_buckets(self) -> None:
        client = self.s3_client()
        for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
            client.create_bucket(Bucket=bucket)

    @property
    def _saved_buckets(self) -> Path:
        return self.run_dir / "buckets"

    def _save_buckets(self) -> None:
        """Copy every object to the run directory, for the next start (a kept
        database); whole or not at all."""
        client = self.s3_client()
        partial = self.run_dir / "buckets.partial"
        shutil.rmtree(partial, ignore_errors=True)
        for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
            (partial / bucket).mkdir(parents=True, exist_ok=True)
            pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for page in pages:
                for item in page.get("Contents", []):
                    path = partial / bucket / item["Key"]
                    path.parent.mkdir(parents=True, exist_ok=True)
                    client.download_file(bucket, item["Key"], str(path))
        shutil.rmtree(self._saved_buckets, ignore_errors=True)
        partial.rename(self._saved_buckets)

    def _restore_buckets(self) -> None:
        if not self._saved_buckets.exists():
            return
        client = self.s3_client()
        for bucket, acl in (
            (PUBLIC_BUCKET, "public-read"),
            (PRIVATE_BUCKET, "private"),
        ):
            folder = self._saved_buckets / bucket
            for path in (p for p in folder.rglob("*") if p.is_file()):
                key = path.relative_to(folder).as_posix()
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                client.upload_file(
                    str(path), bucket, key, ExtraArgs={"ACL": acl, "ContentType": kind}
                )

    def nginx_config(self) -> str:
        """deploy/nginx.conf with this cluster's ports and paths filled in."""
        prefix = self.run_dir / "nginx"
        a, b = self.app_ports
        values = {
            # Run as root here (CI), nginx's workers would otherwise become
            # "nobody" and could not read the run directory.
            "@USER_LINE@": "user root;" if os.geteuid() == 0 else "",
            "@RUN_DIR@": str(prefix),
            "@MIME_TYPES@": "/etc/nginx/mime.types",
            "@APP_A@": f"127.0.0.1:{a}",
            "@APP_B@": f"127.0.0.1:{b}",
            "@LISTEN@": f"127.0.0.1:{self.port}",
            "@STATIC_ROOT@": str(BASE_DIR / "staticfiles"),
        }
        config = (BASE_DIR / "deploy" / "nginx.conf").read_text()
        for placeholder, value in values.items():
            config = config.replace(placeholder, value)
        return config

    def _start_nginx(self) -> None:
        prefix = self.run_dir / "nginx"
        (prefix / "nginx.conf").write_text(self.nginx_config())
        self._spawn(
            "nginx",
            [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
             "-e", str(prefix / "error.log"), "-g", "daemon off;"],
        )  # fmt: skip

    # Processes.

    def _spawn(self, name: str, command: list[str], **env: str) -> None:
        log = (self.run_dir / "logs" / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own commands
            command,
            cwd=BASE_DIR,
            env={**self.environment(), **env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: stopped or killed with all its children.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        log.close()

    def _exited(self, name: str) -> None:
        process = self.processes.get(name)
        if process is not None and process.poll() is not None:
            log = self.run_dir / "logs" / f"{name}.log"
            last = log.read_text(errors="replace").strip().splitlines()[-1:]
            raise ClusterError(
                f"{name} exited ({process.returncode}): {' '.join(last)} (see {log})"
            )

    def _wait_for_port(self, name: str, port: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._exited(name)
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=1),
            ):
                return
            time.sleep(0.1)
        raise ClusterError(f"{name} did not open port {port} in {timeout:.0f} s")

    def _wait_http(self, name: str, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._exited(name)
            with contextlib.suppress(OSError):
                with DIRECT.open(url, timeout=5) as response:
                    if response.status == 200:
                        return
            time.sleep(0.2)
        raise ClusterError(f"{name} was not ready at {url} in {timeout:.0f} s")

    def describe(self) -> str:
        a, b = self.app_urls.values()
        return "\n".join(
            [
                f"The site (nginx):  {self.url}/",
                f"App servers:       {a}/  {b}/  (/readyz, /metrics)",
                "Task worker:       manage.py db_worker"
                + ("; a scheduler beside each app server" if self.scheduler else ""),
                f"S3 (moto):         {self.s3_endpoint}/ "
                f"buckets {PUBLIC_BUCKET}, {PRIVATE_BUCKET}",
                f"Mail (SMTP sink):  127.0.0.1:{self.sink.port}, "
                f"kept in {self.run_dir / 'mail'}",
                f"Database:          {self.database_url}",
                f"Redis:             {self.environment()['REDIS_URL']}",
                f"Logs:              {self.run_dir / 'logs'}",
            ]
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080, help="nginx's port")
    parser.add_argument(
        "--app-ports", type=int, nargs=2, default=(0, 0), metavar=("A", "B"),
        help="the app servers' ports (0: free ones)",
    )  # fmt: skip
    parser.add_argument("--run-dir", type=Path, default=BASE_DIR / ".cluster")
    parser.add_argument("--database", default="backcare_cluster")
    parser.add_argument("--postgres-url", default=Cluster.postgres_url)
    parser.add_argument("--redis-url", default=Cluster.redis_url)
    parser.add_argument("--redis-db", type=int, default=Cluster.redis_db)
    parser.add_argument("--fresh", action="store_true", help="drop the database first")
    parser.add_argument("--no-seed", dest="seed", action="store_false")
    parser.add_argument(
        "--check", action="store_true", help="only check nginx, PostgreSQL, Redis"
    )
    options = parser.parse_args(argv)
    cluster = Cluster(
        run_dir=options.run_dir,
        port=options.port,
        app_ports=tuple(options.app_ports),
        database=options.database,
        postgres_url=options.postgres_url,
        redis_url=options.redis_url,
        redis_db=options.redis_db,
        fresh=options.fresh,
        seed=options.seed,
    )

    if options.check:
        try:
            cluster.check_services()
        except ClusterError as error:
            print(error, file=sys.stderr)
            return 1
        return 0

    def stop_on_signal(signum, frame):
        raise KeyboardInterrupt

    # SIGINT too: a shell may start a background job with it ignored.
    signal.signal(signal.SIGINT, stop_on_signal)
    signal.signal(signal.SIGTERM, stop_on_signal)
    cluster.sink.on_delivery = lambda message, kept: print(
        f"Mail to {message['To']}: {message['Subject']} ({kept})", flush=True
    )
    try:
        cluster.start()
        print(cluster.describe(), "\nCtrl-C stops everything.", flush=True)
        while True:
            time.sleep(1)
            for name, process in list(cluster.processes.items()):
                if process.poll() is not None:
                    print(f"{name} exited ({process.returncode}); see its log.")
                    del cluster.processes[name]
    except ClusterError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopping ...")
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
