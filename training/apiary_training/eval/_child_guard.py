"""Audit hooks for sandboxed programs, a guard against accidents, NOT a security boundary.

This file is never imported by Apiary: ``sandbox.py`` copies it into the sandbox, where the runner
installs it, and where it is also ``sitecustomize`` for every Python the program starts. It refuses,
with an ``OSError``, network use (connect/sendto to anything but a Unix socket, name resolution) and
writes outside the sandbox directory. When the kernel has no fork limit for the sandbox (root
without a pids cgroup) it also refuses to start a process while the session already has too many.

Anything that bypasses the ``sys.audit`` events (ctypes, C extensions, a non-Python child) bypasses
this guard; the real walls are the process limits and, where the kernel allows them, the network
and read-only mount namespaces set up by the runner. Runs under the program's interpreter, so it
keeps to the standard library and Python 3.8 syntax.
"""

from __future__ import annotations

import errno
import os
import socket
import sys

ROOT_ENV = "APIARY_SANDBOX_ROOT"
MAX_PROCS_ENV = "APIARY_SANDBOX_MAX_PROCS"
WRITABLE_DEVICES = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")

# event -> (positions of the paths it writes, position of its dir_fd or None)
WRITE_EVENTS = {
    "os.remove": ((0,), 1),
    "os.rmdir": ((0,), 1),
    "os.mkdir": ((0,), 2),
    "os.rename": ((0, 1), 2),
    "os.link": ((1,), 3),
    "os.symlink": ((1,), 2),
    "os.truncate": ((0,), None),
    "os.chmod": ((0,), 2),
    "os.chown": ((0,), 3),
    "os.utime": ((0,), 3),
    "os.setxattr": ((0,), None),
    "os.removexattr": ((0,), None),
    "shutil.rmtree": ((0,), 1),
    "shutil.copyfile": ((1,), None),
    "shutil.copymode": ((1,), None),
    "shutil.copystat": ((1,), None),
}
NETWORK_EVENTS = ("socket.connect", "socket.sendto", "socket.sendmsg")
RESOLVER_EVENTS = ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo")
SPAWN_EVENTS = ("os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.system", "subprocess.Popen")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _resolve(path, dir_fd) -> str | None:
    """The real path an event names, or None for a file descriptor."""
    if isinstance(path, int):
        return None
    path = os.fsdecode(os.fspath(path))
    if isinstance(dir_fd, int) and dir_fd >= 0 and not os.path.isabs(path):  # -1 or -100: the cwd
        path = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path)
    return os.path.realpath(path)


def _writes(mode, flags) -> bool:
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & WRITE_FLAGS)


def _session_size() -> int:
    # the session as /proc numbers it: inside a PID namespace os.getsid() counts from 1, /proc does not
    with open("/proc/self/stat", "rb") as f:
        sid = int(f.read().rsplit(b")", 1)[1].split()[3])
    count = 0
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        count += fields[3] == str(sid).encode()  # state, ppid, pgrp, session
    return count


def install(root: str, max_procs: int = 0) -> None:
    """Install the hooks (they can never be removed) for a sandbox rooted at ``root``."""
    root = os.path.realpath(root)

    def outside(path, dir_fd=None) -> bool:
        if isinstance(path, (str, bytes)) and os.fsdecode(path) in WRITABLE_DEVICES:
            return False
        real = _resolve(path, dir_fd)
        return real is not None and real != root and not real.startswith(root + os.sep)

    def hook(event, args):
        if event == "open":
            if _writes(args[1], args[2]) and outside(args[0]):
                raise PermissionError(errno.EACCES, "sandbox: writing outside its directory", args[0])
        elif event in WRITE_EVENTS:
            paths, fd_at = WRITE_EVENTS[event]
            dir_fd = args[fd_at] if fd_at is not None and fd_at < len(args) else None
            for i in paths:
                if outside(args[i], dir_fd):
                    raise PermissionError(errno.EACCES, "sandbox: writing outside its directory", args[i])
        elif event in NETWORK_EVENTS:
            if getattr(args[0], "family", None) != getattr(socket, "AF_UNIX", None):
                raise OSError(errno.ENETUNREACH, "network disabled in sandbox")
        elif event in RESOLVER_EVENTS:
            raise OSError(errno.ENETUNREACH, "network disabled in sandbox")
        elif max_procs and event in SPAWN_EVENTS and _session_size() >= max_procs:
            raise BlockingIOError(errno.EAGAIN, "sandbox: too many processes")

    sys.addaudithook(hook)


def _chain_next_sitecustomize() -> None:
    """Run the sitecustomize this file shadows, if the interpreter has one."""
    import importlib.machinery

    here = os.path.dirname(os.path.abspath(__file__))
    others = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", others)
    if spec is not None and spec.loader is not None:
        spec.loader.exec_module(sys.modules[__name__])


if __name__ == "sitecustomize" and os.environ.get(ROOT_ENV):
    install(os.environ[ROOT_ENV], int(os.environ.get(MAX_PROCS_ENV) or 0))
    _chain_next_sitecustomize()
