"""Start and stop the servers under test, and measure them (wrk, RSS)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import string
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
NGINX_TEMPLATES = REPO / "tests" / "benchmarks" / "nginx"


class BenchError(RuntimeError):
    pass


def ensure_tools() -> None:
    """wrk and nginx come from Debian; install them when missing (root only)."""
    missing = [tool for tool in ("wrk", "nginx") if not shutil.which(tool)]
    if not missing:
        return
    if os.geteuid() != 0:
        raise BenchError(f"missing {', '.join(missing)}: apt-get install -y wrk nginx")
    print(f"installing {' '.join(missing)} with apt-get…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk", "nginx"]
    if subprocess.run(install, stdout=subprocess.DEVNULL, env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL, env=env, check=True)
        subprocess.run(install, stdout=subprocess.DEVNULL, env=env, check=True)
    # Only the binary is used; the packaged service must not hold port 80.
    if shutil.which("systemctl"):
        subprocess.run(["systemctl", "disable", "--now", "nginx"], capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise BenchError(f"{url} did not answer within {timeout:.0f} s")


class Server:
    """A process group serving HTTP on a port, stopped on exit."""

    def __init__(self, name: str, argv: list[str], *, port: int, env=None, cwd=None, log=None):
        self.name, self.port = name, port
        self.log = open(log, "ab") if log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, path: str = "/") -> Server:
        wait_for_http(self.base + path, self.process)
        return self

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker (children of the master process)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(stat.parent)
        sizes = []
        for proc in children:
            try:
                status = (proc / "status").read_text()
            except OSError:
                continue
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return sorted(sizes)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.log is not subprocess.DEVNULL:
            self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def nginx(name: str, template: str, workdir: Path, **values) -> Server:
    """nginx in the foreground with a config rendered from tests/benchmarks/nginx/."""
    run = workdir / name
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    port = free_port()
    text = string.Template((NGINX_TEMPLATES / template).read_text()).substitute(
        port=port,
        run=run,
        user="user root;" if os.geteuid() == 0 else "",
        **{k: str(v) for k, v in values.items()},
    )
    conf = run / "nginx.conf"
    conf.write_text(text)
    return Server(
        name,
        ["nginx", "-c", str(conf), "-p", str(run), "-e", str(run / "error.log")],
        port=port,
        log=run / "stdout.log",
    )


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    load: float = 0.0  # 1-minute load average right after the run

    def as_dict(self) -> dict:
        return {
            "rps": self.rps,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "errors": self.errors,
            "load": self.load,
        }


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise BenchError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def wrk(url: str, *, duration: int, connections: int, threads: int = 2) -> WrkResult:
    argv = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        url,
    ]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in match.groups())
    return WrkResult(rps, p50, p99, errors)


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()
