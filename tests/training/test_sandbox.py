"""The sandbox: outcomes, limits, killing every child, and no writes or network outside it.

Tests marked with ``namespaces`` run twice: once with whatever the kernel allows, once with the audit-hook
guard alone, so the fallback is checked on machines where namespaces work too.
"""

from __future__ import annotations

import socket
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from apiary_training.eval import sandbox
from apiary_training.eval.sandbox import run_program


def alive(pid: int) -> bool:
    """Running or sleeping; a zombie waiting for a parent that never reaps it counts as dead."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_a_program_that_runs_to_its_end_passes():
    result = run_program("import sys\nprint('hello', sys.argv[0])")
    assert result.passed and result.status == "passed" and result.returncode == 0
    assert result.stdout == "hello program.py\n"
    assert result.network_isolation in ("namespace", "guard")
    assert result.filesystem_isolation in ("private-view", "readonly-mounts", "guard")
    assert result.process_limit in ("cgroup", "rlimit", "guard")


def test_a_failing_assert_fails_with_its_traceback():
    result = run_program("def check():\n    assert 1 + 1 == 3\n\ncheck()\n")
    assert result.status == "failed" and not result.passed and result.returncode == 1
    assert 'File "program.py", line 2, in check' in result.stderr
    assert result.stderr.rstrip().endswith("AssertionError")
    assert "runner.py" not in result.stderr


def test_a_syntax_error_fails():
    result = run_program("def broken(:\n    pass\n")
    assert result.status == "failed"
    assert result.stderr.startswith('  File "program.py", line 1') and "SyntaxError" in result.stderr


def test_exiting_before_the_last_line_is_not_a_pass():
    result = run_program("import sys\nsys.exit(0)\nassert False\n")
    assert result.status == "failed" and result.returncode == 0 and result.exited_early


def test_an_infinite_loop_times_out_within_the_limit():
    result = run_program("while True:\n    pass\n", timeout_s=1.5)
    assert result.status == "timeout"
    assert result.seconds < 1.5 + 2


def test_allocating_past_the_memory_limit_is_a_memory_status():
    result = run_program("blob = bytearray(4 * 1024**3)\n", memory_mb=256)
    assert result.status == "memory"
    assert "MemoryError" in result.stderr


#: a process's pid as the host sees it, printed from inside the sandbox (whose PID namespace numbers
#: its processes from 1; /proc is the host's)
def survivors(marker: str) -> list[int]:
    """Host processes still alive whose environment carries ``marker`` (the sandbox's children inherit
    it; their own PIDs are of their namespace, and their /proc is not the host's)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "environ").read_bytes() and alive(int(entry.name)):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def run_marked(code: str, **kwargs) -> tuple[sandbox.RunResult, str]:
    marker = f"apiary-test-{uuid.uuid4().hex}"
    return run_program(code, env_extra={"APIARY_TEST_MARKER": marker}, **kwargs), marker


def test_no_child_survives_a_time_out():
    code = textwrap.dedent("""
        import os, subprocess, sys, time
        for _ in range(5):
            subprocess.Popen([sys.executable, "-c", "print('child', flush=True); import time; time.sleep(60)"])
            pid = os.fork()
            if pid == 0:
                print("child", flush=True)
                time.sleep(60)
                os._exit(0)
        time.sleep(60)
    """)
    result, marker = run_marked(code, timeout_s=3)
    assert result.status == "timeout" and result.stdout.split() == ["child"] * 10
    assert survivors(marker) == []


def test_no_child_survives_its_parent_passing():
    code = textwrap.dedent("""
        import subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", "print('child', flush=True); import time; time.sleep(60)"])
        time.sleep(1)
    """)
    result, marker = run_marked(code)
    assert result.status == "passed" and result.stdout.split() == ["child"]
    assert survivors(marker) == []


def test_a_child_that_leaves_the_session_is_killed_through_the_cgroup():
    code = textwrap.dedent("""
        import os, time
        pid = os.fork()
        if pid == 0:
            os.setsid()
            print("child", flush=True)
            time.sleep(60)
            os._exit(0)
        time.sleep(60)
    """)
    result, marker = run_marked(code, timeout_s=2)
    if result.process_limit != "cgroup":
        pytest.skip("no pids cgroup here: a child that calls setsid() escapes killpg")
    assert result.status == "timeout" and result.stdout.split() == ["child"]
    assert survivors(marker) == []


def test_the_program_signals_nothing_outside_its_own_processes():
    import os

    result = run_program(
        f"import os\ntry:\n    os.kill({os.getpid()}, 0)\nexcept OSError as e:\n    print(type(e).__name__)\n"
    )
    if result.pid_isolation != "namespace":
        pytest.skip("no PID namespace here")
    assert result.stdout.strip() == "ProcessLookupError"


FORK_LOOP = textwrap.dedent("""
    import os, time
    for n in range(400):
        try:
            pid = os.fork()
        except OSError as exc:
            print("refused after", n, exc.errno, flush=True)
            break
        if pid == 0:
            time.sleep(30)
            os._exit(0)
""")


@pytest.mark.parametrize("cgroup", [True, False], ids=["default", "without-cgroup"])
def test_forking_in_a_loop_is_refused_before_it_hurts(cgroup, monkeypatch):
    if not cgroup:
        monkeypatch.setattr(sandbox.PidsCgroup, "create", lambda max_pids: None)
    result = run_program(FORK_LOOP, timeout_s=15)
    assert "refused after" in result.stdout, (result.process_limit, result.stdout, result.stderr)
    assert int(result.stdout.split()[2]) <= sandbox.MAX_TASKS
    assert result.status == "passed"


@pytest.mark.parametrize("namespaces", [True, False], ids=["namespaces", "guard-only"])
def test_writing_outside_the_sandbox_is_refused(namespaces):
    target = Path(f"/tmp/apiary-sandbox-escape-{uuid.uuid4().hex}")
    code = f"open({str(target)!r}, 'w').write('escaped')\n"
    try:
        result = run_program(code, namespaces=namespaces)
        assert result.status == "failed"
        assert "PermissionError" in result.stderr or "Read-only file system" in result.stderr
        assert not target.exists()
    finally:
        target.unlink(missing_ok=True)


@pytest.mark.parametrize("namespaces", [True, False], ids=["namespaces", "guard-only"])
def test_python_children_are_guarded_too(namespaces):
    target = Path(f"/tmp/apiary-sandbox-escape-{uuid.uuid4().hex}")
    child = f"open({str(target)!r}, 'w')"
    code = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {child!r}], check=True)\n"
    try:
        assert run_program(code, namespaces=namespaces).status == "failed"
        assert not target.exists()
    finally:
        target.unlink(missing_ok=True)


def test_the_guard_resolves_paths_relative_to_a_directory_descriptor():
    name = f"apiary-sandbox-escape-{uuid.uuid4().hex}"
    code = f"import os\nos.mkdir({name!r}, dir_fd=os.open('/tmp', os.O_RDONLY))\n"
    try:
        result = run_program(code, namespaces=False)
        assert result.status == "failed" and "PermissionError" in result.stderr
        assert not Path("/tmp", name).exists()
    finally:
        if Path("/tmp", name).exists():
            Path("/tmp", name).rmdir()


@pytest.mark.parametrize("private_view", [True, False], ids=["private-view", "readonly-mounts"])
def test_read_only_mounts_stop_non_python_writers(private_view):
    target = Path(f"/tmp/apiary-sandbox-escape-{uuid.uuid4().hex}")
    system = Path(f"/usr/apiary-sandbox-escape-{uuid.uuid4().hex}")
    # the host's /tmp is read-only or (in the private view) not there at all; /usr is read-only
    code = f"import subprocess\nsubprocess.run(['sh', '-c', 'echo a > {target}; echo b > {system}'], check=True)\n"
    try:
        result = run_program(code, private_view=private_view)
        if result.filesystem_isolation not in ("private-view", "readonly-mounts"):
            pytest.skip("no mount namespace here: only Python writers are stopped (by the guard)")
        assert result.status == "failed" and not target.exists() and not system.exists()
        assert private_view or result.filesystem_isolation == "readonly-mounts"
    finally:
        target.unlink(missing_ok=True)
        system.unlink(missing_ok=True)


def test_writing_inside_the_sandbox_works():
    code = textwrap.dedent("""
        import os, pathlib, tempfile
        pathlib.Path("out.txt").write_text("ok")
        os.mkdir("sub"); os.rename("out.txt", "sub/out.txt"); os.remove("sub/out.txt"); os.rmdir("sub")
        with tempfile.NamedTemporaryFile("w") as f:
            f.write("ok")
        open(os.devnull, "w").write("ok")
        assert os.path.expanduser("~") == os.getcwd()
    """)
    result = run_program(code)
    assert result.status == "passed", result.stderr


@pytest.fixture
def listener():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        sock.settimeout(0.3)
        yield sock


def assert_no_connection(sock: socket.socket) -> None:
    with pytest.raises(socket.timeout):
        sock.accept()


@pytest.mark.parametrize("namespaces", [True, False], ids=["namespaces", "guard-only"])
def test_no_connection_reaches_a_local_listener(namespaces, listener):
    port = listener.getsockname()[1]
    code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'hi')\n"
    result = run_program(code, namespaces=namespaces)
    assert result.status == "failed"
    assert "network disabled in sandbox" in result.stderr
    assert_no_connection(listener)


def test_the_network_namespace_stops_what_the_guard_does_not_see(listener):
    port = listener.getsockname()[1]
    # `python -I` ignores PYTHONPATH, so the child runs without the guard.
    child = f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)"
    code = f"import subprocess, sys\nsubprocess.run([sys.executable, '-I', '-c', {child!r}], check=True)\n"
    result = run_program(code)
    if result.network_isolation != "namespace":
        pytest.skip("no network namespace here: a Python child started with -I bypasses the guard")
    assert result.status == "failed"
    assert "Network is unreachable" in result.stderr
    assert_no_connection(listener)


def test_the_environment_is_clean(monkeypatch):
    monkeypatch.setenv("APIARY_TEST_SECRET", "s3cret")
    code = "import os\nprint('APIARY_TEST_SECRET' in os.environ, os.environ['HOME'] == os.getcwd())"
    result = run_program(code, env_extra={"EXTRA": "1"})
    assert result.stdout.strip() == "False True"


def test_a_missing_interpreter_is_an_error():
    result = run_program("print(1)", python="/nonexistent/python3")
    assert result.status == "error" and "cannot start" in result.note


def test_classify():
    assert sandbox.classify(0, False, True, True, "") == "passed"
    assert sandbox.classify(0, True, True, True, "") == "timeout"
    assert sandbox.classify(1, False, True, False, "Traceback...\nMemoryError\n") == "memory"
    assert sandbox.classify(-9, False, True, False, "") == "memory"
    assert sandbox.classify(1, False, False, False, "") == "error"


def test_time_limit_keeps_the_suite_fast():
    start = time.monotonic()
    run_program("import time\ntime.sleep(30)\n", timeout_s=0.5)
    assert time.monotonic() - start < 2.5
