"""Run a program that ends when this process's parent dies: `python with_parent.py SIGNAL
PARENT_PID PROGRAM ARGS...`.

Why a wrapper: PostgreSQL's postmaster outlives a parent killed with SIGKILL (`make
cluster` killed, a test runner killed), and Linux's parent-death signal (prctl
PR_SET_PDEATHSIG) can only be asked for by the child itself. Setting it in Popen's
preexec_fn is unsafe in a threaded parent (cluster.py watches its replicas in a thread),
so this tiny program asks for it, checks that the parent did not die meanwhile (then the
signal would never come), and execs the program, which keeps the setting. The signal is
PostgreSQL's "fast" shutdown (SIGINT) by default: it ends its sessions and stops cleanly.
It reads only the standard library, so any python3 can run it as the postgres user.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    name, parent, program = argv[0], int(argv[1]), argv[2:]
    number = getattr(signal, name)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(number), 0, 0, 0) != 0:
        raise SystemExit(f"with_parent: prctl failed: {os.strerror(ctypes.get_errno())}")
    if os.getppid() != parent:  # the parent died before the setting: no signal will come
        raise SystemExit("with_parent: the parent is gone; not starting")
    os.execv(program[0], program)


if __name__ == "__main__":
    main(sys.argv[1:])
