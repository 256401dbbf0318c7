"""`kg serve` against hostile clients (issue 15): real `kg serve` processes on loopback, real memory-hungry
queries. Workers are capped in memory and answer 503 naming the cause; short queries keep a worker of
their own while long ones run; a request naming another host is refused (DNS rebinding); CORS is off
unless an origin is named; every answer carries a Content-Security-Policy; binding beyond loopback needs
--public; a killed server leaves no worker behind."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE
from test_ingest_limits import children, session

from kg.serve.security import CSP

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
HOSTILE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
SHORT = "SELECT (COUNT(*) AS ?n) WHERE { ?p a bk:Project }"
LONG = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # streams: long, in little memory
linux = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc and kills process groups")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from kg.pipeline import ingest
    from kg.store import Store

    path = tmp_path_factory.mktemp("serve-limits") / "store"
    with Store(path) as s:
        assert ingest([SAMPLE], s).documents == 2
        projects = s.select(SHORT)[0]["n"]
    return path, projects


class Server:
    """`kg serve` in a session of its own on a free loopback port."""

    def __init__(self, store: Path, tmp: Path, *args: str):
        self.err = tmp / "serve.err"
        self.proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--port", "0", *args],
                                     env=ENV, stdout=subprocess.PIPE, stderr=self.err.open("wb"), text=True,
                                     start_new_session=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.stop()
            raise AssertionError(f"kg serve printed {line!r}: {self.err.read_text()}")
        self.port = int(m.group(1))

    def get(self, path: str, headers: dict[str, str] | None = None, timeout: float = 120):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers={"Accept": "application/json", **(headers or {})})
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            conn.close()

    def query(self, sparql: str, **kw):
        return self.get("/sparql?" + urllib.parse.urlencode({"query": sparql}), **kw)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def count(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@linux
def test_a_memory_hungry_query_stops_at_the_worker_cap_and_is_answered_503(store, tmp_path):
    path, projects = store
    server = Server(path, tmp_path, "--workers", "2", "--memory", "512", "--timeout", "60")
    try:
        workers = [pid for pid in children(server.proc.pid) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) == 4  # two for long queries, one kept for short ones, one spare (and a resource tracker)
        for pid in workers:  # the cap is the kernel's, on each worker process
            limits = Path(f"/proc/{pid}/limits").read_text()
            assert re.search(r"^Max data size\s+536870912\s+\S+\s+bytes", limits, re.M), limits
        status, _, body = server.query(HOSTILE)
        assert status == 503
        assert body == (b"the query worker running it ran out of its 512 MiB memory limit; the query was "
                        b"stopped and the worker replaced (kg serve --memory)\n")
        status, _, body = server.query(HOSTILE)  # the same again: refused without running (the store is fixed)
        assert (status, body) == (503, b"the query ran out of the 512 MiB a query worker may use when it last ran, "
                                       b"and is not run again (kg serve --memory)\n")
        status, _, body = server.query(HOSTILE.replace("?f", "?g"))  # another text: run, and stopped by the cap
        assert status == 503 and body.startswith(b"the query worker running it ran out of its 512 MiB memory limit")
        status, _, body = server.query(SHORT)
        assert (status, count(body)) == (200, projects)
        assert "memory allocation of" in server.err.read_text()  # the worker's own last words, in the log
    finally:
        server.stop()


@linux
def test_short_queries_keep_a_worker_while_long_ones_run_and_wait(store, tmp_path):
    path, projects = store
    server = Server(path, tmp_path, "--workers", "2", "--timeout", "8")
    try:
        done: dict[str, tuple[float, int, bytes]] = {}

        def ask(name: str, sparql: str) -> None:
            status, _, body = server.query(sparql)
            done[name] = (time.monotonic(), status, body)

        def send(name: str, sparql: str) -> threading.Thread:
            t = threading.Thread(target=ask, args=(name, sparql))
            t.start()
            return t

        threads = [send("long0", LONG), send("long1", LONG + " # 1")]
        time.sleep(1.5)  # both past the slow mark: they hold the two places for long queries
        status, _, body = server.query(SHORT)
        answered = time.monotonic()
        assert (status, count(body)) == (200, projects)
        threads.append(send("long2", LONG + " # 2"))  # turns long with no place: stopped, waits for one
        time.sleep(1.5)
        threads.append(send("long0-again", LONG))  # known to run long: waits for a place before it starts
        time.sleep(0.5)
        status, _, body = server.query(SHORT)  # the spare took the stopped worker's place
        assert (status, count(body)) == (200, projects)
        status, headers, body = server.query(LONG + " # 3")  # two run, two wait: refused
        assert status == 503 and headers.get("Retry-After") == "5", body
        assert body == (b"2 long queries (over 0.5 s) are running and 2 waiting already; this one was refused so that "
                        b"short queries keep their workers: try again later (kg serve --workers)\n")
        for t in threads:
            t.join(120)
        assert done["long0"][0] > answered and done["long1"][0] > answered, "the long queries ended before the short one"
        assert min(done["long2"][0], done["long0-again"][0]) > max(done["long0"][0], done["long1"][0])
        for name, (_, status, body) in done.items():  # each ran its full time: the place was theirs
            assert (status, body) == (503, b"the query did not finish within the 8 s time limit and was stopped "
                                           b"(kg serve --timeout)\n"), name
    finally:
        server.stop()


def test_requests_naming_another_host_are_refused_and_cors_is_off(store, tmp_path):
    path, projects = store
    server = Server(path, tmp_path)
    try:
        status, headers, body = server.query(SHORT, headers={"Host": f"rebound.example:{server.port}"})
        assert status == 403
        assert body == f"this server does not answer for the host 'rebound.example:{server.port}' (kg serve --allow-host)\n".encode()
        for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", "[::1]"):
            status, headers, body = server.query(SHORT, headers={"Host": host, "Origin": "https://other.example"})
            assert (status, count(body)) == (200, projects)
            assert "Access-Control-Allow-Origin" not in headers
        status, headers, body = server.get("/", headers={"Accept": "text/html"})
        assert status == 200 and headers["Content-Security-Policy"] == CSP and headers["X-Frame-Options"] == "DENY"
        status, headers, _ = server.get("/ontology", headers={"Accept": "text/html"})
        assert status == 200 and headers["Content-Security-Policy"] == CSP
    finally:
        server.stop()


def test_named_origins_and_hosts_are_let_in(store, tmp_path):
    path, projects = store
    server = Server(path, tmp_path, "--cors", "https://notebook.example", "--allow-host", "kg.lab.example")
    try:
        status, headers, body = server.query(SHORT, headers={"Host": "kg.lab.example", "Origin": "https://notebook.example"})
        assert (status, count(body)) == (200, projects)
        assert headers["Access-Control-Allow-Origin"] == "https://notebook.example"
        status, headers, _ = server.query(SHORT, headers={"Origin": "https://other.example"})
        assert status == 200 and "Access-Control-Allow-Origin" not in headers
    finally:
        server.stop()


def test_binding_beyond_loopback_needs_public(store):
    path, _ = store
    r = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--store", str(path), "--host", "0.0.0.0", "--port", "0"],
                       env=ENV, capture_output=True, text=True, timeout=120, start_new_session=True)
    assert r.returncode == 2
    assert "--host 0.0.0.0 is reachable from other machines: add --public to serve there" in r.stderr


@linux
def test_kill_9_of_the_server_leaves_no_worker(store, tmp_path):
    path, _ = store
    server = Server(path, tmp_path)
    try:
        assert len(children(server.proc.pid)) >= 3
        os.kill(server.proc.pid, signal.SIGKILL)  # the server alone
        server.proc.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and session(server.proc.pid):
            time.sleep(0.05)
        assert session(server.proc.pid) == []
    finally:
        server.stop()
