"""Test session: starts one NegHash service (``neghash serve``) on a free port with a temporary
data folder and an API key, and finds the command line for the local mode.

Where things are: ``NEGHASH_JAR``, the service (default: ``api/target/neghash.jar`` of the
repository that holds this folder), ``NEGHASH_CLI_JAR``, the command line (default:
``cli/target/neghash-cli.jar`` there) and ``NEGHASH_JAVA`` (default: ``$JAVA_HOME/bin/java``, then
``/usr/lib/jvm/temurin-25-jdk-amd64/bin/java``, then ``java`` on PATH).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import neghash  # noqa: E402

API_KEY = "test-key-5b1d"


def _java() -> str:
    candidates = [os.environ.get("NEGHASH_JAVA")]
    if os.environ.get("JAVA_HOME"):
        candidates.append(os.path.join(os.environ["JAVA_HOME"], "bin", "java"))
    candidates += ["/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", "/usr/lib/jvm/java-25-openjdk-amd64/bin/java",
                   shutil.which("java")]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            out = subprocess.run([c, "-version"], capture_output=True, text=True).stderr
            if 'version "25' in out:
                return c
    raise RuntimeError("no JDK 25 found: set NEGHASH_JAVA or JAVA_HOME")


def _built_jar(variable: str, module: str, name: str, what: str) -> Path:
    """A jar from ``$variable``, else ``module/target/name`` of this repository; it must exist."""
    jar = Path(os.environ.get(variable) or HERE.parents[2] / module / "target" / name)
    if not jar.is_file():
        raise RuntimeError(f"{what} {jar} not found: build it (./mvnw -B -q -pl {module} -am package "
                           f"-DskipTests) or set {variable}")
    return jar


def _jar() -> Path:
    return _built_jar("NEGHASH_JAR", "api", "neghash.jar", "service jar")


def _cli_jar() -> Path:
    return _built_jar("NEGHASH_CLI_JAR", "cli", "neghash-cli.jar", "command-line jar")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Service:
    url: str
    api_key: str
    data_dir: Path
    command: list[str]
    process: subprocess.Popen[bytes]

    def client(self, **kw: object) -> neghash.Client:
        return neghash.Client(self.url, api_key=self.api_key, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def command() -> list[str]:
    """The neghash command line (java with the command-line jar), for the local mode."""
    return [_java(), "--add-modules=jdk.incubator.vector", "-jar", str(_cli_jar())]


@pytest.fixture(scope="session")
def service(command: list[str], tmp_path_factory: pytest.TempPathFactory) -> Service:
    """A live service: one job at a time and no queue (a second job gets 429, Retry-After 1 s)."""
    data = tmp_path_factory.mktemp("service-data")
    port = _free_port()
    log = open(data.parent / "service.log", "wb")
    env = dict(os.environ, NEGHASH_API_KEY=API_KEY)
    proc = subprocess.Popen(
        [_java(), "--add-modules=jdk.incubator.vector", "-jar", str(_jar()), "serve", "--port", str(port),
         "--data-dir", str(data),
                   "--neghash.jobs.concurrency=1", "--neghash.jobs.queue-capacity=0",
                   "--neghash.jobs.retry-after=1s", "--neghash.threads=2",
                   "--neghash.events.progress-interval=50ms"],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the service exited with code {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(url + "/actuator/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"the service did not start within 300 s; see {log.name}")
        time.sleep(0.3)
    yield Service(url, API_KEY, data, command, proc)
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def client(service: Service) -> neghash.Client:
    return service.client()
