"""A private view of the filesystem for a sandboxed program: only its interpreter, the system's
libraries and its own directory, all read-only but its directory and two small scratch spaces.

Never imported by Apiary: ``sandbox.py`` copies it into the sandbox and the runner calls
``enter_view`` in a new mount namespace (standard library only, Python 3.8 syntax). A fresh tmpfs
becomes the root (``pivot_root``); into it are bound, read-only, the interpreter's prefixes and
``sys.path``, the system directories (``/usr`` and the links to it), a few files of ``/etc`` that
name no secret, a handful of devices, a fresh ``/proc`` where the program has a PID namespace of its
own; the program's directory is bound writable at its own path. Home directories, ``/root``, ``/run``
(with its sockets), ``/var``, the host's ``/tmp`` and the benchmark's repository are not there at all.
"""

from __future__ import annotations

import ctypes
import os
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000
MNT_DETACH = 0x2
MOUNT_ATTR_RDONLY, AT_FDCWD, AT_RECURSIVE = 0x1, -100, 0x8000
SYS_MOUNT_SETATTR = 442  # the same number on every architecture (added in Linux 5.12)
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC_FILES = (
    "/etc/passwd", "/etc/group", "/etc/hosts", "/etc/nsswitch.conf", "/etc/localtime", "/etc/timezone",
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ssl", "/etc/mime.types",
    "/etc/os-release", "/etc/alternatives",
)
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
DEVICE_LINKS = {"/dev/fd": "/proc/self/fd", "/dev/stdin": "/proc/self/fd/0",
                "/dev/stdout": "/proc/self/fd/1", "/dev/stderr": "/proc/self/fd/2"}

libc = ctypes.CDLL(None, use_errno=True)


class MountAttr(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in ("attr_set", "attr_clr", "propagation", "userns_fd")]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target: str, fstype, flags: int, options=None) -> None:
    def encoded(value):
        return value.encode() if isinstance(value, str) else value

    _check(libc.mount(encoded(source), encoded(target), encoded(fstype), flags, encoded(options)), "mount " + target)


def _read_only(path: str, recursive: bool = True, writable: bool = False) -> None:
    """Make the mount at ``path`` (and, ``recursive``, those under it) read-only, or ``writable`` again."""
    attr = MountAttr(attr_clr=MOUNT_ATTR_RDONLY) if writable else MountAttr(attr_set=MOUNT_ATTR_RDONLY)
    flags = AT_RECURSIVE if recursive else 0
    _check(libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, ctypes.byref(attr), ctypes.sizeof(attr)),
           ("writable " if writable else "read-only ") + path)


def visible_paths(root: str) -> list[str]:
    """What the program may read: its interpreter and import path, the system's directories, a few
    files of /etc; never its own directory (bound writable apart) or anything under it."""
    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(sys.executable), os.path.dirname(os.path.realpath(sys.executable))]
    paths += [p for p in sys.path if p]
    paths += list(SYSTEM_PATHS) + list(ETC_FILES)
    inside = os.path.realpath(root) + os.sep
    chosen = []
    for path in paths:
        path = os.path.abspath(path)
        if (
            path != "/"
            and os.path.lexists(path)
            and not (os.path.realpath(path) + os.sep).startswith(inside)
            and path not in chosen
        ):
            chosen.append(path)
    return chosen


def _place(view: str, path: str) -> str | None:
    """Recreate ``path`` inside the view: a link as the same link (its target placed too), a file or
    directory as an empty mount point. Returns the mount point, or None where nothing is to bind."""
    target = view + path
    if os.path.lexists(target):
        return None
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
    if os.path.islink(path):
        os.symlink(os.readlink(path), target)
        return None
    if os.path.isdir(path):
        os.mkdir(target, 0o755)
    else:
        open(target, "w").close()
    return target


def _bind_read_only(view: str, path: str, done: list) -> None:
    if any(path == d or path.startswith(d + os.sep) for d in done):
        return  # already visible through a directory bound above it
    if os.path.islink(path):
        _place(view, path)
        real = os.path.realpath(path)
        if real != path:
            _bind_read_only(view, real, done)
        return
    target = _place(view, path)
    if target is None:
        return
    _mount(path, target, None, MS_BIND | MS_REC)
    _read_only(target)
    done.append(path)


def _scratch(memory_mb: int) -> str:
    """A writable tmpfs's options: a quarter of the program's memory, at least 16 MB."""
    return f"size={max(16, memory_mb // 4)}m,mode=1777"


def _devices(view: str, memory_mb: int) -> None:
    os.makedirs(view + "/dev", 0o755, exist_ok=True)
    for device in DEVICES:
        if os.path.exists(device):
            target = _place(view, device)
            if target:
                _mount(device, target, None, MS_BIND)
    for link, to in DEVICE_LINKS.items():
        os.symlink(to, view + link)
    os.makedirs(view + "/dev/shm", 0o755)
    _mount("tmpfs", view + "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, _scratch(memory_mb))


def read_only_except(root: str, memory_mb: int) -> None:
    """Where the view cannot be made: the host's files stay visible, every mount read-only but
    ``root`` and a private ``/dev/shm``."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount(root, root, None, MS_BIND | MS_REC)
    _read_only("/")
    _read_only(root, recursive=False, writable=True)
    os.chdir(root)  # the old cwd is on the read-only mount underneath the bind
    if os.path.isdir("/dev/shm"):
        try:
            _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, _scratch(memory_mb))
        except OSError:
            pass  # best effort


def enter_view(root: str, memory_mb: int, own_pids: bool) -> str:
    """Make the view this process's root. Returns a note on what the view lacks ("" when nothing)."""
    pivot_root = SYS_PIVOT_ROOT.get(os.uname().machine)
    if pivot_root is None:
        raise OSError("no pivot_root number known for " + os.uname().machine)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    view = os.path.join(root, ".sandbox", "view")
    os.makedirs(view, 0o755)
    _mount("tmpfs", view, "tmpfs", MS_NOSUID, "size=1m,mode=0755")
    os.makedirs(view + "/tmp", 0o755)  # first: paths under /tmp are bound into it
    _mount("tmpfs", view + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, _scratch(memory_mb))
    bound = []
    for path in visible_paths(root):
        _bind_read_only(view, path, bound)
    _devices(view, memory_mb)
    os.makedirs(view + root, 0o755, exist_ok=True)
    _mount(root, view + root, None, MS_BIND)  # not recursive: the view's own mount stays out
    note = ""
    os.makedirs(view + "/proc", 0o555)
    if own_pids:
        try:
            _mount("proc", view + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        except OSError as exc:
            note = f"no /proc in the view ({exc})"
    else:
        note = "no /proc in the view (no PID namespace)"
    os.chdir(view)
    _check(libc.syscall(pivot_root, b".", b"."), "pivot_root")  # the old root now lies under the new
    _check(libc.umount2(b".", MNT_DETACH), "detach the old root")
    _read_only("/", recursive=False)
    os.chdir(root)
    return note
