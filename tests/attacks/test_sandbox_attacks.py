"""The evaluation sandbox against a hostile program (issue "Security and robustness", item 2, in
part): started as root, the program runs as a uid of its own, so root's secrets, root's Unix
sockets and the benchmark's own process are out of its reach; and a report carries only a short,
printable error line of the program's words."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from apiary_training.eval.passk import MAX_ERROR_CHARS, short_error
from apiary_training.eval.sandbox import run_program

SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin:/bin")
needs_root_and_an_open_python = pytest.mark.skipif(
    os.geteuid() != 0 or SYSTEM_PYTHON is None, reason="the dedicated uid is taken by a sandbox started as root")


@needs_root_and_an_open_python
def test_root_only_files_and_the_benchmark_process_are_out_of_reach(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret")
    secret.chmod(0o600)
    code = f"""
import os
for attempt, action in [("read", lambda: open({str(secret)!r}).read()), ("signal", lambda: os.kill({os.getpid()}, 0)),
                        ("shadow", lambda: open("/etc/shadow").read())]:
    try:
        action()
        print(attempt, "REACHED")
    except (PermissionError, ProcessLookupError, FileNotFoundError):  # another uid's, outside its PID namespace
        # or its view
        print(attempt, "refused")
"""
    result = run_program(code, python=SYSTEM_PYTHON)
    assert result.user_isolation == "dedicated-uid", result.note
    assert result.stdout.split() == ["read", "refused", "signal", "refused", "shadow", "refused"]


@needs_root_and_an_open_python
def test_a_root_owned_unix_socket_is_refused(tmp_path):
    path = str(tmp_path / "docker.sock")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(path)
    os.chmod(path, 0o660)
    listener.listen(1)
    try:
        code = f"""
import socket
s = socket.socket(socket.AF_UNIX)
try:
    s.connect({path!r})
    print("CONNECTED")
except OSError as e:
    print("refused", type(e).__name__)
"""
        result = run_program(code, python=SYSTEM_PYTHON)
        assert result.stdout.strip().startswith("refused"), result.stdout
    finally:
        listener.close()


def test_a_unix_socket_anyone_may_open_is_out_of_reach(tmp_path):
    """Not a question of permissions: the host's socket files are not in the view, and abstract
    sockets belong to the host's network namespace."""
    path = str(tmp_path / "agent.sock")
    listeners = [socket.socket(socket.AF_UNIX), socket.socket(socket.AF_UNIX)]
    listeners[0].bind(path)
    os.chmod(tmp_path, 0o777)
    os.chmod(path, 0o777)
    listeners[1].bind("\0apiary-test-abstract-" + os.urandom(4).hex())
    abstract = listeners[1].getsockname()
    for listener in listeners:
        listener.listen(1)
    try:
        code = f"""
import socket
for address in ({path!r}, {abstract!r}):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(address)
        print("CONNECTED")
    except OSError:
        print("refused")
"""
        result = run_program(code)
        if result.filesystem_isolation != "private-view" or result.network_isolation != "namespace":
            pytest.skip(f"no private view or network namespace here: {result.note}")
        assert result.stdout.split() == ["refused", "refused"], result.stderr
    finally:
        for listener in listeners:
            listener.close()


def test_the_host_files_are_not_in_the_private_view():
    readable = Path(__file__).resolve()  # readable by every user, outside the view
    code = f"""
import os
print(os.path.exists({str(readable)!r}), os.path.exists("/home"), os.path.exists("/run"), os.path.exists("/var"))
print(sorted(p for p in os.listdir("/proc") if p.isdigit()))
import json, decimal, sqlite3  # the interpreter's own files are there
"""
    result = run_program(code)
    if result.filesystem_isolation != "private-view":
        pytest.skip(f"no private view here: {result.note}")
    assert result.status == "passed", result.stderr
    own_pids = "['1']" if result.pid_isolation == "namespace" else None
    assert result.stdout.splitlines()[0] == "False False False False"
    assert own_pids is None or result.stdout.splitlines()[1] == own_pids


def test_a_report_keeps_a_short_printable_error_line():
    line = "ValueError: " + "\x1b[31m" + "x" * 10_000
    short = short_error(line)
    assert short.startswith("ValueError:") and len(short) == MAX_ERROR_CHARS + 1 and "\x1b" not in short
    assert short_error("AssertionError") == "AssertionError"


def test_untrusted_samples_need_a_strong_sandbox_or_an_explicit_allowance(monkeypatch):
    from apiary_training.eval import passk

    problem = {"task_id": "T/0", "prompt": "x = 1\n", "test": "def check(f):\n    pass\n", "entry_point": "x"}
    sample = [{"task_id": "T/0", "completion": ""}]
    monkeypatch.setattr(passk, "sandbox_weaknesses", lambda python=None: ["no PID namespace"])
    with pytest.raises(passk.WeakSandbox, match="no PID namespace.*--allow-weak-sandbox"):
        passk.evaluate_samples([problem], sample)
    assert passk.evaluate_samples([problem], sample, allow_weak_sandbox=True).statuses
    monkeypatch.setattr(passk, "sandbox_weaknesses", lambda python=None: [])
    assert passk.evaluate_samples([problem], sample).statuses


def test_the_weaknesses_found_here_match_what_a_run_reports():
    from apiary_training.eval.passk import sandbox_weaknesses

    probe = run_program("pass\n")
    weak = sandbox_weaknesses()
    assert ("no PID namespace" in weak) == (probe.pid_isolation != "namespace")
    assert any("root" in w for w in weak) == (os.geteuid() == 0 and probe.user_isolation != "dedicated-uid")
