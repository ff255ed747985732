"""Start one sandboxed program: limits, namespaces, guard, then the program as ``__main__``.

Never imported by Apiary: ``sandbox.py`` copies it into the sandbox and runs it with the program's
interpreter (standard library only, Python 3.8 syntax), as ``python -B -s runner.py CONFIG STATUS_FD``.
In order, before any line of the program runs:

1. resource limits: address space, CPU seconds, file size, no core dumps, and (not as root, where the
   kernel ignores it) the number of the user's processes;
2. the pids cgroup prepared by the parent, if any (a fork limit that binds root too, and a way to
   kill every descendant, even one that left the process group);
3. new namespaces where the kernel allows them: user (drops every privilege over the host) + network
   (no interface but a downed loopback) + mount, in which every mount is remounted read-only except
   the sandbox directory and a fresh ``/dev/shm``;
4. no capabilities and no_new_privs, so the limits and mounts cannot be undone;
5. the audit-hook guard (``_child_guard.py``), also installed as ``sitecustomize`` for Python children.

It reports what it achieved as one JSON line on ``STATUS_FD`` and, once the program has run to its
last line (no exception, no early ``exit()``), writes ``done`` there.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys
import types

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x1000, 0x4000, 0x40000
MOUNT_ATTR_RDONLY, AT_FDCWD, AT_RECURSIVE = 0x1, -100, 0x8000
SYS_MOUNT_SETATTR = 442  # the same number on every architecture (added in Linux 5.12)
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38
TASK_MARGIN = 256

libc = ctypes.CDLL(None, use_errno=True)


class MountAttr(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in ("attr_set", "attr_clr", "propagation", "userns_fd")]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


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


def _mount_setattr(path: str, flags: int, attr: MountAttr) -> None:
    size = ctypes.sizeof(attr)
    _check(libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, ctypes.byref(attr), size), path)


def read_only_except(root: str, memory_mb: int) -> None:
    """In a new mount namespace: everything read-only but ``root`` and a private ``/dev/shm``."""
    _check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make mounts private")
    _check(libc.mount(root.encode(), root.encode(), None, MS_BIND | MS_REC, None), "bind sandbox")
    _mount_setattr("/", AT_RECURSIVE, MountAttr(attr_set=MOUNT_ATTR_RDONLY))
    _mount_setattr(root, 0, MountAttr(attr_clr=MOUNT_ATTR_RDONLY))
    os.chdir(root)  # the old cwd is on the read-only mount underneath the bind
    if os.path.isdir("/dev/shm"):
        options = f"size={max(16, memory_mb // 4)}m,mode=1777".encode()
        libc.mount(b"tmpfs", b"/dev/shm", b"tmpfs", MS_NOSUID | MS_NODEV, options)  # best effort


def enter_namespaces(root: str, memory_mb: int, report: dict) -> None:
    """Fills ``report`` with the network and filesystem isolation achieved, and why not more."""
    report.update(network="guard", filesystem="guard")
    for flags in (CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS, CLONE_NEWNET | CLONE_NEWNS, CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            break
    else:
        report["note"] = "unshare: " + os.strerror(ctypes.get_errno())
        return
    report["network"] = "namespace"
    if flags & CLONE_NEWNS:
        try:
            read_only_except(root, memory_mb)
            report["filesystem"] = "readonly-mounts"
        except OSError as exc:
            report["note"] = str(exc)


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
    namespace: dict = {"__name__": "apiary_sandbox_guard"}
    path = os.path.join(guard_dir, "sitecustomize.py")
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), namespace)
    namespace["install"](config["root"], max_procs)


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


def main() -> None:
    with open(sys.argv[1]) as f:
        config = json.load(f)
    status_fd = int(sys.argv[2])
    os.set_inheritable(status_fd, False)
    status = os.fdopen(status_fd, "w")
    report = {"processes": set_limits(config)}
    if join_cgroup(config.get("cgroup")):
        report["processes"] = "cgroup"
    if config["namespaces"]:
        enter_namespaces(config["root"], config["memory_mb"], report)
    else:
        report.update(network="guard", filesystem="guard", note="namespaces not requested")
    drop_privileges()
    install_guard(config, report["processes"])
    status.write(json.dumps(report) + "\n")
    status.flush()
    run_program(config, status)


if __name__ == "__main__":
    main()
