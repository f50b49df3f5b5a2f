#!/usr/bin/env python3
"""The Python side of the benchmarks: `subprocess` as the reference and
`os.posix_spawn` + `waitpid` as the floor. Run by scripts/bench/compare.ts:

    python3 scripts/bench/peers.py CASE 'PARAMS-JSON'

prints one JSON line shaped like `CaseOutput` in _stats.ts, whose sampling
rules (interleave) this file repeats.
"""

import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time

RUNTIME = f"python {platform.python_version()}"
IGNORES_TERM = ["sh", "-c", "trap '' TERM; exec sleep 30"]


def holds_stdout(hold):
    """A shell whose grandchild keeps stdout open for `hold` seconds."""
    return ["sh", "-c", f"sleep {hold} & exec sleep 30"]


def exits_holding_stdout(hold):
    """A shell that exits at once, its grandchild keeping stdout open."""
    return ["sh", "-c", f"sleep {hold} & echo started"]


def now_ms():
    return time.perf_counter_ns() / 1e6


def series(sid, label, samples, meta=None):
    out = {"id": f"python.{sid}", "label": label, "runtime": RUNTIME,
           "unit": "ms", "samples": samples}
    if meta:
        out["meta"] = meta
    return out


def interleave(variants, p):
    """Same rules as interleave() in _stats.ts."""
    names = list(variants)
    samples = {name: [] for name in names}
    total = {name: 0.0 for name in names}
    for name in names:
        for _ in range(p["warmup"]):
            variants[name]()

    def enough(name):
        n = len(samples[name])
        return n >= p["floorReps"] and (n >= p["minReps"] or total[name] >= p["minMs"])

    wall_end = now_ms() + p["maxWallMs"]
    while not all(enough(n) for n in names) and now_ms() < wall_end:
        order = names[:]
        random.shuffle(order)
        for name in order:
            fn = variants[name]
            for _ in range(p["block"]):
                start = now_ms()
                fn()
                ms = now_ms() - start
                samples[name].append(ms)
                total[name] += ms
    return samples


def posix_spawn_wait(path, argv, **kwargs):
    pid = os.posix_spawn(path, argv, os.environ, **kwargs)
    os.waitpid(pid, 0)


def spawn_case(p):
    s = interleave({
        "run": lambda: subprocess.run(["/bin/true"]),
        "runCapture": lambda: subprocess.run(["/bin/true"], capture_output=True),
        "posixSpawn": lambda: posix_spawn_wait("/bin/true", ["/bin/true"]),
    }, p)
    return [
        series("run", "`subprocess.run(cmd)`", s["run"]),
        series("run.capture", "`subprocess.run(cmd, capture_output=True)`", s["runCapture"]),
        series("posix_spawn", "`os.posix_spawn()` + `os.waitpid()` (the floor)", s["posixSpawn"]),
    ]


def session_case(p):
    s = interleave({
        "run": lambda: subprocess.run(["/bin/true"], start_new_session=True),
        "posixSpawn": lambda: posix_spawn_wait("/bin/true", ["/bin/true"], setsid=True),
    }, p)
    return [
        series("run.newSession", "`subprocess.run(cmd, start_new_session=True)`", s["run"]),
        series("posix_spawn.setsid", "`os.posix_spawn(…, setsid=True)` + `waitpid` (the floor)", s["posixSpawn"]),
    ]


def detach_case(p):
    directory = tempfile.mkdtemp(prefix="subproc-bench-")
    pidfile = os.path.join(directory, "daemon.pid")
    samples = []

    def once():
        start = now_ms()
        child = subprocess.Popen(
            ["sleep", "100000"], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        with open(pidfile + ".tmp", "w") as f:
            f.write(f"{child.pid}\n")
        os.replace(pidfile + ".tmp", pidfile)
        samples.append(now_ms() - start)
        child.kill()
        child.wait()
        os.remove(pidfile)

    try:
        interleave({"popen": once}, dict(p, minMs=float("inf")))
    finally:
        os.rmdir(directory)
    return [series(
        "popen.detach",
        "`Popen(cmd, start_new_session=True, stdio=DEVNULL)` + pidfile",
        samples[p["warmup"]:])]


def capture_case(p):
    size = p["mib"] * 1024 * 1024

    def run():
        out = subprocess.run(["cat", p["file"]], capture_output=True).stdout
        if len(out) != size:
            raise RuntimeError(f"captured {len(out)} bytes, expected {size}")

    s = interleave({"run": run}, p)
    return [series("run.cat", '`subprocess.run(["cat", file], capture_output=True)`',
                   s["run"], {"bytes": size})]


def holders(hold, kill=False):
    """Live `sleep HOLD` processes: grandchildren left running (a zombie's
    command line reads as empty)."""
    count = 0
    want = f"sleep\0{hold}\0".encode()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                if f.read() == want:
                    count += 1
                    if kill:
                        os.kill(int(name), 9)
        except OSError:
            pass
    return count


def wait_holders_gone(hold):
    """Ends the grandchildren a run left running (untimed)."""
    while holders(hold, kill=True) > 0:
        time.sleep(0.005)


def timed(fn):
    start = now_ms()
    try:
        fn()
    except subprocess.TimeoutExpired:
        pass
    return now_ms() - start


def timeout_case(p):
    hold = p["hold"]
    a, b, c = [], [], []
    left_b, left_c = [], []
    for _ in range(p["reps"]):
        a.append(timed(lambda: subprocess.run(IGNORES_TERM, timeout=0.3, capture_output=True)))
        b.append(timed(lambda: subprocess.run(holds_stdout(hold), timeout=0.2, capture_output=True)))
        left_b.append(holders(hold))
        wait_holders_gone(hold)
    for _ in range(p["hangReps"]):
        c.append(timed(lambda: subprocess.run(exits_holding_stdout(hold), capture_output=True)))
        left_c.append(holders(hold))
        wait_holders_gone(hold)
    return [
        series("run.timeout.ignoreTerm",
               "`subprocess.run(ignoresTerm, timeout=0.3, capture_output=True)` (SIGKILL at the timeout: no grace)",
               a, {"expectMs": 300}),
        series("run.timeout.grandchild",
               "`subprocess.run(grandchildHoldsStdout, timeout=0.2, capture_output=True)`",
               b, {"expectMs": 200, "leftRunning": left_b}),
        series("run.exitHoldingStdout",
               "`subprocess.run(exitsGrandchildHoldsStdout, capture_output=True)` (no timeout)",
               c, {"holdMs": hold * 1000, "leftRunning": left_c}),
    ]


CASES = {
    "spawn": spawn_case,
    "session": session_case,
    "detach": detach_case,
    "capture": capture_case,
    "timeout": timeout_case,
}


def main(argv):
    name = argv[0] if argv else ""
    if name not in CASES:
        print(f"Unknown case {name!r}: one of {', '.join(CASES)}", file=sys.stderr)
        return 2
    params = json.loads(argv[1]) if len(argv) > 1 else {}
    out = CASES[name](params)
    print(json.dumps({"case": name, "runtime": RUNTIME, "series": out, "notes": []}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
