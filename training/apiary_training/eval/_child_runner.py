"""Start one sandboxed program: limits, namespaces, guard, then the program as ``__main__``.

Never imported by Apiary: ``sandbox.py`` copies it into the sandbox and runs it with the program's
interpreter (standard library only, Python 3.8 syntax), as ``python -B -s runner.py CONFIG STATUS_FD``.
In order, before any line of the program runs:

1. resource limits: address space, CPU seconds, file size, no core dumps, and (not as root, where the
   kernel ignores it) the number of the user's processes;
2. the pids cgroup prepared by the parent, if any (a fork limit that binds root too, and a way to
   kill every descendant, even one that left the process group);
3. new namespaces where the kernel allows them: user (drops every privilege over the host) + network
   (no interface but a downed loopback) + PID (the program runs as process 1 of its own, forked from
   the runner, and can signal nothing outside it) + mount, in which the root becomes a private view
   (``_child_view.py``: the interpreter, the system's directories and the sandbox directory, all
   read-only but the last) or, where the kernel refuses that, every mount is remounted read-only
   except the sandbox directory and a fresh ``/dev/shm``;
4. as root, a uid of its own (no account has it, no groups); then no capabilities and no_new_privs,
   so the limits and mounts cannot be undone;
5. the audit-hook guard (``_child_guard.py``), also installed as ``sitecustomize`` for Python children;
6. the recorder of a sealed test's checks (``_child_recorder.py``), as the builtin ``__apiary_check__``.

It reports what it achieved as one JSON line on ``STATUS_FD``; the recorder writes what each check
saw there; once the program has run to its last line (no exception, no early ``exit()``), the runner
writes ``done``. Only the first line is beyond the program's reach: the verdict is taken outside, from
the checks (``verdict.py``).
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys
import types

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWPID = 0x00020000, 0x10000000, 0x40000000, 0x20000000
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38
TASK_MARGIN = 256
DEDICATED_UID_BASE, DEDICATED_UID_SPAN = 3_000_000, 1_000_000

libc = ctypes.CDLL(None, use_errno=True)


def _user_tasks() -> int:
    uid, count = os.getuid(), 0
    for name in os.listdir("/proc"):
        try:
            if name.isdigit() and os.stat("/proc/" + name).st_uid == uid:
                count += len(os.listdir(f"/proc/{name}/task"))
        except OSError:
            continue
    return count


def set_limits(config: dict) -> str:
    """Resource limits; returns how the number of processes is bounded."""
    mb = 1024 * 1024
    limits = [
        (resource.RLIMIT_AS, config["memory_mb"] * mb),
        (resource.RLIMIT_CPU, config["cpu_s"]),
        (resource.RLIMIT_FSIZE, config["fsize_mb"] * mb),
        (resource.RLIMIT_CORE, 0),
    ]
    if os.geteuid() != 0:  # for root the kernel never enforces RLIMIT_NPROC
        limits.append((resource.RLIMIT_NPROC, _user_tasks() + TASK_MARGIN))
    for which, value in limits:
        hard = resource.getrlimit(which)[1]
        new_hard = value + 1 if which == resource.RLIMIT_CPU else value  # SIGXCPU first, then SIGKILL
        if hard != resource.RLIM_INFINITY:
            value, new_hard = min(value, hard), min(new_hard, hard)
        resource.setrlimit(which, (value, new_hard))
    return "rlimit" if os.geteuid() != 0 else "guard"


def join_cgroup(path: str | None) -> bool:
    if not path:
        return False
    try:
        with open(os.path.join(path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))
        return True
    except OSError:
        return False


def enter_namespaces(report: dict) -> bool:
    """Fills ``report`` with the network isolation achieved, and why not more; returns whether this
    process has a mount namespace of its own. As root the namespaces need no user namespace (which
    would keep root's file access: an unmapped process still owns what root owns); the runner then
    becomes a uid of its own (`become_dedicated_user`)."""
    report.update(network="guard", filesystem="guard")
    attempts = (CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS, CLONE_NEWNET | CLONE_NEWNS, CLONE_NEWNET)
    for flags in attempts[1:] if os.geteuid() == 0 else attempts:
        if libc.unshare(flags) == 0:
            break
    else:
        report["note"] = "unshare: " + os.strerror(ctypes.get_errno())
        return False
    report["network"] = "namespace"
    if libc.unshare(CLONE_NEWPID) == 0:  # the next child is process 1 of a namespace of its own
        report["pids"] = "namespace"
    return bool(flags & CLONE_NEWNS)


def isolate_files(config: dict, report: dict) -> None:
    """In the mount namespace: the private view (``_child_view.py``), or where the kernel refuses
    it, every mount read-only but the sandbox directory."""
    view = _load("view.py", "apiary_sandbox_view")
    try:
        if config["private_view"]:
            note = view["enter_view"](config["root"], config["memory_mb"], report.get("pids") == "namespace")
            report["filesystem"] = "private-view"
            _add_note(report, note)
            return
    except OSError as exc:
        _add_note(report, f"no private view: {exc}")
    try:
        view["read_only_except"](config["root"], config["memory_mb"])
        report["filesystem"] = "readonly-mounts"
    except OSError as exc:
        _add_note(report, str(exc))


def _add_note(report: dict, note: str) -> None:
    report["note"] = "; ".join(filter(None, [report.get("note"), note]))


def _load(name: str, module_name: str) -> dict:
    """Run a sibling file of this runner (copied into the sandbox with it); returns its namespace."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    namespace: dict = {"__name__": module_name}
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), namespace)
    return namespace


def _others_can_read(path: str) -> bool:
    """Whether a user with no groups can list ``path`` and reach it (every ancestor searchable)."""
    path = os.path.realpath(path)
    if not os.stat(path).st_mode & 0o005 == 0o005:
        return False
    while True:
        parent = os.path.dirname(path)
        if parent == path:
            return True
        if not os.stat(parent).st_mode & 0o001:
            return False
        path = parent


def dedicated_uid() -> int:
    """A uid no account has (above every system and login range), different for concurrent runs."""
    return DEDICATED_UID_BASE + os.getpid() % DEDICATED_UID_SPAN


def become_dedicated_user(root: str) -> str:
    """As root: own the sandbox directory as a uid of its own and become that uid (and gid), with no
    supplementary groups. Host secrets readable by root or by the benchmark's user, sockets of the host
    and every other process are then out of reach. Returns the user isolation achieved."""
    if os.geteuid() != 0:
        return "same-user"
    mine = os.path.realpath(root) + os.sep  # the sandbox becomes the uid's own
    closed = [
        p
        for p in [os.path.dirname(os.__file__), *sys.path, os.path.dirname(root)]
        if p and os.path.isdir(p) and not (os.path.realpath(p) + os.sep).startswith(mine) and not _others_can_read(p)
    ]
    if closed:  # e.g. an interpreter under /root: another uid could not even import the standard library
        raise OSError(f"{closed[0]} is not readable by other users: the program runs as root")
    uid = dedicated_uid()
    os.chown(root, uid, uid)
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    return "dedicated-uid"


def drop_privileges() -> None:
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == 22:  # EINVAL: no such cap
            break
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    libc.capset(header, data)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def install_guard(config: dict, fork_limit: str) -> None:
    guard_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "site")
    max_procs = config["max_procs"] if fork_limit == "guard" else 0
    os.environ["APIARY_SANDBOX_ROOT"] = config["root"]
    os.environ["APIARY_SANDBOX_MAX_PROCS"] = str(max_procs)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [guard_dir, os.environ.get("PYTHONPATH")]))
    _load(os.path.join("site", "sitecustomize.py"), "apiary_sandbox_guard")["install"](config["root"], max_procs)


def install_recorder(status_fd: int) -> None:
    _load("recorder.py", "apiary_sandbox_recorder")["install"](status_fd)


def run_program(config: dict, status) -> None:
    main = types.ModuleType("__main__")
    main.__file__ = config["program"]
    sys.modules["__main__"] = main
    sys.argv = [config["program"]]
    sys.path[0] = config["root"]
    pid = os.getpid()
    try:
        with open(os.path.join(config["root"], config["program"]), encoding="utf-8") as f:
            code = compile(f.read(), config["program"], "exec")
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except BaseException as exc:  # report it as Python would, without the runner's frames
        if exc.__traceback__ is not None:
            exc.__traceback__ = exc.__traceback__.tb_next
        sys.excepthook(type(exc), exc, exc.__traceback__)
        sys.exit(1)
    if os.getpid() == pid:
        status.write("done\n")
        status.flush()


def _run_as_first_process() -> None:
    """Fork into the new PID namespace: the child goes on (it sees and can signal only its own
    descendants), this process waits and ends as the child ended. The child is killed with the
    session, and its namespace's every process with it."""
    child = os.fork()
    if child == 0:
        return
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)


def main() -> None:
    with open(sys.argv[1]) as f:
        config = json.load(f)
    status_fd = int(sys.argv[2])
    os.set_inheritable(status_fd, False)
    status = os.fdopen(status_fd, "w")
    report = {"processes": set_limits(config)}
    if join_cgroup(config.get("cgroup")):
        report["processes"] = "cgroup"
    own_mounts = False
    if config["namespaces"]:
        own_mounts = enter_namespaces(report)
    else:
        report.update(network="guard", filesystem="guard", note="namespaces not requested")
    if report.get("pids") == "namespace":
        _run_as_first_process()  # first: the view mounts the new namespace's /proc
    if own_mounts:
        isolate_files(config, report)
    try:
        report["user"] = become_dedicated_user(config["root"])
    except OSError as exc:
        report["user"] = "same-user"
        _add_note(report, str(exc))
    drop_privileges()
    install_guard(config, report["processes"])
    status.write(json.dumps(report) + "\n")
    status.flush()
    install_recorder(status_fd)
    run_program(config, status)


if __name__ == "__main__":
    main()
