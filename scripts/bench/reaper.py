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


def comm(pid):
    """The command name of `pid`, or "?" once it is gone."""
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def own_children():
    """Our children (orphans re-parented to us included), as (pid, comm).

    The kernel lists them in /proc/self/task/TID/children (Linux with
    CONFIG_PROC_CHILDREN, as Debian's, Ubuntu's and Fedora's kernels have);
    elsewhere each process's status names its parent. Zombies are reaped
    before this is asked.
    """
    found = []
    try:
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/children") as f:
                found.extend(int(pid) for pid in f.read().split())
    except FileNotFoundError:
        found = [pid for pid in all_pids() if parent_of(pid) == os.getpid()]
    return [(pid, comm(pid)) for pid in found]


def all_pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def parent_of(pid):
    """The parent of `pid` (its status's PPid line), or None once gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("PPid:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


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

    reap_all()
    leaks = own_children()
    if leaks:
        names = ", ".join(f"{pid} ({comm})" for pid, comm in leaks)
        print(f"reaper: {len(leaks)} leftover process(es): {names}", file=sys.stderr)
    # Kill the leftovers, and whatever they leave to us, until none is left.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = own_children()
        for pid, _ in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)
        reap_all()
        if not left and not own_children():
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
