"""A throw-away pids cgroup per sandboxed run: a fork limit the kernel enforces even for root (which
``RLIMIT_NPROC`` never binds), and a list of every descendant to kill, including those that left the
process group with ``setsid``. Available when this process may create cgroups (root, or a delegated
cgroup v2 subtree with the pids controller); otherwise ``create`` returns None and the sandbox falls
back to rlimits and its guard.
"""

from __future__ import annotations

import logging
import os
import signal
import time
import uuid
from pathlib import Path

log = logging.getLogger(__name__)


def _pids_hierarchy() -> Path | None:
    """The directory of this process's cgroup in a hierarchy with the pids controller."""
    own = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        own[controllers] = path
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields, _, tail = line.partition(" - ")
        mount_root, mount_point = fields.split()[3:5]
        fstype, _, options = tail.split()[:3]
        if fstype == "cgroup" and "pids" in options.split(","):
            path = next((p for c, p in own.items() if "pids" in c.split(",")), None)
        elif fstype == "cgroup2":
            path = own.get("")
        else:
            continue
        if path is None:
            continue
        rel = os.path.relpath(path, mount_root) if path.startswith(mount_root) else path.lstrip("/")
        base = Path(mount_point, rel).resolve()
        if fstype == "cgroup2" and "pids" not in (base / "cgroup.subtree_control").read_text().split():
            continue
        if os.access(base, os.W_OK):
            return base
    return None


class PidsCgroup:
    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def create(cls, max_pids: int) -> PidsCgroup | None:
        try:
            base = _pids_hierarchy()
            if base is None:
                return None
            path = base / f"apiary-sandbox-{uuid.uuid4().hex[:12]}"
            path.mkdir()
        except OSError:
            return None
        group = cls(path)
        try:
            (path / "pids.max").write_text(str(max_pids))
        except OSError:
            group.destroy()
            return None
        return group

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    def kill(self) -> None:
        """SIGKILL everything in the group until it is empty (a fork in flight may add one more)."""
        if (self.path / "cgroup.kill").exists():
            (self.path / "cgroup.kill").write_text("1")
        for _ in range(200):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.005)
        log.warning("processes %s outlived SIGKILL in %s", self.pids(), self.path)

    def destroy(self) -> None:
        self.kill()
        for _ in range(100):
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.01)
        log.warning("could not remove cgroup %s", self.path)
