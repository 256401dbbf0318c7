"""A real Dask cluster on loopback for the tests and the benchmark: `dask scheduler` and `dask worker`
processes, each in a session of its own (killed by process group), listening on 127.0.0.1 only.

    with LoopbackCluster(tmp, workers=2) as c, kg.cluster.Cluster(c.address) as cluster:
        ingest(files, store, parser=cluster.parsed)
        c.kill_worker(0)                      # kill -9 one worker (and only it)
        c.kill_while_parsing(0)               # the same, at a moment it is parsing: what it held

``scheduler_env`` sets dask configuration of the scheduler (``DASK_DISTRIBUTED__SCHEDULER__…``).
``new_session=False`` keeps the processes in this session (a process group of their own still): with the
kernel's autogroup scheduling, a session of its own gets a CPU share of its own on a loaded machine, which
would favour the cluster in a benchmark against local processes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the HTTP server (dashboard, health) binds every interface unless told otherwise
LOOPBACK = ["--host", "127.0.0.1", "--no-dashboard", "--dashboard-address", "127.0.0.1:0"]


class LoopbackCluster:
    """A scheduler and ``workers`` single-threaded workers (no nanny: a killed worker stays dead)."""

    def __init__(self, tmp: Path, workers: int = 2, scheduler_env: dict[str, str] | None = None,
                 new_session: bool = True):
        self.tmp, self.n, self.scheduler_env = Path(tmp), workers, scheduler_env or {}
        self.group = {"start_new_session": True} if new_session else {"process_group": 0}
        self.procs: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        self.killed: list[subprocess.Popen] = []
        self.address = ""

    def _start(self, args: list[str], log: str, env: dict[str, str]) -> subprocess.Popen:
        # the workers import this checkout's kg, whatever the environment has installed, and this module
        path = [str(ROOT), str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, **env, "PYTHONPATH": os.pathsep.join(path)}
        with (self.tmp / log).open("wb") as out:
            p = subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=out, stderr=subprocess.STDOUT,
                                 env=env, cwd=self.tmp, **self.group)
        self.procs.append(p)
        return p

    def __enter__(self) -> LoopbackCluster:
        self.tmp.mkdir(parents=True, exist_ok=True)
        info = self.tmp / "scheduler.json"
        try:
            self._start(["scheduler", "--port", "0", "--scheduler-file", str(info), *LOOPBACK], "scheduler.log",
                        self.scheduler_env)
            self.address = self._wait(lambda: info.exists() and json.loads(info.read_text() or "{}").get("address"),
                                      "the scheduler wrote no address")
            for k in range(self.n):
                self.workers.append(self._start(
                    ["worker", self.address, "--nworkers", "1", "--nthreads", "1", "--no-nanny",
                     "--local-directory", str(self.tmp / f"worker{k}"), *LOOPBACK], f"worker{k}.log", {}))
            self._wait(lambda: self.workers_joined() == self.n, f"{self.n} workers did not join")
        except BaseException:
            self.stop()
            raise
        return self

    def workers_joined(self) -> int:
        return sum("Registered to:" in (self.tmp / f"worker{k}.log").read_text("utf-8", "replace")
                   for k in range(len(self.workers)))

    def _wait(self, ready, what: str, seconds: float = 60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                value = ready()
            except (OSError, ValueError):
                value = None
            if value:
                return value
            if any(p.poll() is not None for p in self.procs if p not in self.killed):
                raise AssertionError(f"{what}: a cluster process ended\n{self.logs()}")
            time.sleep(0.05)
        raise AssertionError(f"{what} within {seconds} s\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join(f"--- {f.name}\n{f.read_text('utf-8', 'replace')[-3000:]}" for f in sorted(self.tmp.glob("*.log")))

    def kill_worker(self, k: int) -> None:
        """SIGKILL worker ``k``'s process group: it dies mid-task, as a machine lost would."""
        self.killed.append(self.workers[k])
        os.killpg(self.workers[k].pid, signal.SIGKILL)
        self.workers[k].wait()

    def kill_while_parsing(self, k: int, flag: Path | None = None) -> list[str]:
        """Kill worker ``k`` at a moment it is parsing, and return the keys the scheduler had given it then.

        The worker's event loop is stopped dead first (:func:`freeze_when_busy`), so that it can neither
        report a document done nor take another between the look and the kill."""
        from distributed import Client

        flag = flag or self.tmp / f"busy{k}.json"
        with Client(self.address, set_as_default=False) as spy:
            address = next(a for a, pid in spy.run(os.getpid).items() if pid == self.workers[k].pid)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                flag.unlink(missing_ok=True)
                spy.run(freeze_when_busy, str(flag), workers=[address], wait=False)
                self._wait(flag.exists, "the worker did not look")
                if json.loads(flag.read_text()):
                    time.sleep(0.5)  # what the worker said before it froze reaches the scheduler
                    held = [str(key) for key in spy.processing(workers=[address])[address]]
                    self.kill_worker(k)
                    return held
            raise AssertionError(f"worker {k} did not parse anything within 60 s")

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()

    def __exit__(self, *exc) -> None:
        self.stop()


async def freeze_when_busy(flag: str, dask_worker=None) -> None:
    """On a worker (``Client.run(..., wait=False)``): when it is parsing, write what into ``flag`` and block its
    event loop until it is killed; when it is idle, write ``[]`` and return."""
    busy = [str(ts.key) for ts in dask_worker.state.executing]
    Path(flag + ".part").write_text(json.dumps(busy))
    os.replace(flag + ".part", flag)
    if busy:
        time.sleep(60)  # blocking on purpose: the loop stops, the thread parsing goes on
