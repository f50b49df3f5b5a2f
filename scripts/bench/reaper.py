#!/usr/bin/env python3
"""Runs a command as a child subreaper, so that the benchmarks leave nothing.

    python3 scripts/bench/reaper.py CMD [ARG...]

PID 1 on our machines never reaps orphans, and the tree benchmarks orphan
hundreds of processes per repetition: without a reaper they would stay as
zombies and use up PIDs. With PR_SET_CHILD_SUBREAPER, orphans of anything
below us are re-parented to this process instead of PID 1, and we reap them.

Once CMD exits, every process still re-parented to us is a leak: it is
listed on stderr and SIGKILLed, and the exit code becomes 70 if CMD itself
succeeded. SIGINT, SIGTERM and SIGHUP are forwarded to CMD. Linux only.
"""

import ctypes
import os
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
LEAK_EXIT_CODE = 70


def children_of(pid):
    """Live (not zombie) processes whose parent is `pid`, as (pid, comm)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                line = f.read()
        except OSError:
            continue
        close = line.rfind(")")
        fields = line[close + 2 :].split()
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            found.append((int(name), line[line.find("(") + 1 : close]))
    return found


def reap_all():
    """Reaps every child that has ended; returns how many."""
    count = 0
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return count
        if pid == 0:
            return count
        count += 1


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("reaper: prctl(PR_SET_CHILD_SUBREAPER) failed", file=sys.stderr)
        return 125
    env = dict(os.environ, SUBPROC_BENCH_REAPER=str(os.getpid()))
    try:
        child = os.posix_spawnp(argv[0], argv, env)
    except OSError as error:
        print(f"reaper: cannot run {argv[0]!r}: {error}", file=sys.stderr)
        return 127

    def forward(signum, _frame):
        try:
            os.kill(child, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)

    status = None
    while status is None:
        pid, raw = os.wait()
        if pid == child:
            status = raw

    leaks = children_of(os.getpid())
    if leaks:
        names = ", ".join(f"{pid} ({comm})" for pid, comm in leaks)
        print(f"reaper: {len(leaks)} leftover process(es): {names}", file=sys.stderr)
    # Kill the leftovers, and whatever they leave to us, until none is left.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = children_of(os.getpid())
        for pid, _ in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)
        reap_all()
        if not left and not children_of(os.getpid()):
            break
    reap_all()

    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        code = 128 - code
    if leaks and code == 0:
        code = LEAK_EXIT_CODE
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
