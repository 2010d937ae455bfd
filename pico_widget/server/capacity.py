"""How many visitors one replica may hold: its share of the memory it really has.

Why: the old cap read the whole machine's memory (SC_PHYS_PAGES), so each of three
replicas on a 24 GB host claimed 150 kernels, and a container limited to 2 GB claimed 150
too. The memory a replica may use is the smaller of the machine's and its cgroup's limit
(v2 `memory.max`, v1 `memory/memory.limit_in_bytes`), shared by the replicas on the host;
half of that share goes to visitor kernels (~80 MB each) once the server's own ~200 MB is
set aside. An explicit `--max-visitors` wins. The reasoning is printed at start, so an
operator can see why the number is what it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

KERNEL_MB = 80  # resident size of one visitor kernel, measured (`make bench`)
SERVER_MB = 200  # one replica's own process with no visitor (docs/deploy.md sizing)
MEMORY_SHARE = 0.5  # at most half of a replica's memory goes to visitor kernels
MIN_CAP, FALLBACK_CAP = 4, 20
CGROUP = Path("/sys/fs/cgroup")
# cgroup v1 writes "no limit" as a page-rounded 2**63 - 1; anything this large is no limit.
NO_LIMIT_BYTES = 2**60


def machine_memory_mb() -> int | None:
    """Physical memory of the machine, or None where the platform cannot say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (AttributeError, ValueError, OSError):
        return None


def own_cgroup(proc_cgroup: Path = Path("/proc/self/cgroup")) -> str:
    """This process's cgroup v2 path ("/system.slice/pico-widget@8701.service"), or ""."""
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return ""
    return next((line[3:] for line in lines if line.startswith("0::")), "")


def cgroup_memory_mb(root: Path = CGROUP, own: str | None = None) -> tuple[int | None, str]:
    """(the tightest cgroup memory limit over this process in MB, the file it came from),
    or (None, why not): v2 `memory.max` in the process's own cgroup and its parents (a
    systemd unit's MemoryMax=, a container's --memory), then v1's limit_in_bytes.

    `root` is the cgroup mount and `own` the process's cgroup under it (arguments so
    tests can give fake ones)."""
    own = own_cgroup() if own is None else own
    parts = [part for part in own.strip("/").split("/") if part and part != ".."]
    places = [root.joinpath(*parts[:n]) for n in range(len(parts), -1, -1)]
    found: list[tuple[int, str]] = []
    seen = []
    for folder in places:
        for name in ("memory.max", "memory/memory.limit_in_bytes"):
            path = folder / name
            try:
                text = path.read_text().strip()
            except OSError:
                continue
            seen.append(str(path))
            if text.isdigit() and int(text) < NO_LIMIT_BYTES:
                found.append((int(text) // 2**20, str(path)))
    if found:
        return min(found)
    return None, (f"{', '.join(seen)}: no limit" if seen
                  else f"no cgroup memory limit under {root}")


@dataclass(frozen=True)
class Share:
    """A replica's visitor cap and the sentence that explains it."""

    cap: int
    reasoning: str


def visitor_share(replicas: int = 1, max_visitors: int = 0, *,
                  machine_mb: int | None = None, cgroup_mb: int | None = None,
                  cgroup_source: str = "") -> Share:
    """The cap for one of `replicas` replicas on a host (pure arithmetic, tested)."""
    if max_visitors > 0:
        return Share(max_visitors, f"at most {max_visitors} visitors: set by --max-visitors")
    replicas = max(1, replicas)
    limits = {"the machine": machine_mb, f"the cgroup ({cgroup_source})": cgroup_mb}
    known = {name: mb for name, mb in limits.items() if mb}
    if not known:
        return Share(FALLBACK_CAP, f"at most {FALLBACK_CAP} visitors: the memory is unknown")
    source, memory = min(known.items(), key=lambda item: item[1])
    each = memory / replicas
    free = max(0.0, each - SERVER_MB) * MEMORY_SHARE
    cap = max(MIN_CAP, int(free // KERNEL_MB))
    shared = f" / {replicas} replicas = {each:.0f} MB each" if replicas > 1 else ""
    return Share(cap, f"at most {cap} visitors: {memory} MB ({source}){shared}, "
                      f"less {SERVER_MB} MB for the server, half of the rest for kernels of "
                      f"~{KERNEL_MB} MB (at least {MIN_CAP})")


def replica_share(replicas: int = 1, max_visitors: int = 0, root: Path = CGROUP,
                  own: str | None = None) -> Share:
    """`visitor_share` with this host's machine memory and this process's cgroup limit."""
    cgroup_mb, source = cgroup_memory_mb(root, own)
    return visitor_share(replicas, max_visitors, machine_mb=machine_memory_mb(),
                         cgroup_mb=cgroup_mb, cgroup_source=source)
