#!/usr/bin/env bash
# The Windows tests (tests/windows/) under Wine 8, with the Windows build of
# Deno: `bash scripts/test_windows.sh` (or `deno task test:windows`). The
# test bed comes from ../shared/wine (apt wine + mingw, deno.exe from npm, a
# Wine prefix): about a minute the first time, seconds afterwards. Extra
# arguments go to `deno test`.
#
# A watchdog ends a run after 5 minutes (it takes ~15 s). Under heavy load
# we once saw deno.exe stall inside Wine before running anything; only then
# (no test started) is the run retried, once, with a fresh wineserver.
set -euo pipefail
cd "$(dirname "$0")/.."
# setup.sh prints the exports to use (or a failing command naming its log).
eval "$(../shared/wine/setup.sh)"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
run() {
  timeout --kill-after=10 300 wine64 "$SUBPROC_WINE_DENO" test -A tests/windows/ "$@" 2>&1 |
    tee "$log"
  return "${PIPESTATUS[0]}"
}

set +e
run "$@"
status=$?
if [ "$status" -ge 124 ] && ! grep -q "^running " "$log"; then
  echo "test_windows: deno.exe stalled in Wine before any test ran; retrying once" >&2
  wineserver -k 2>/dev/null
  run "$@"
  status=$?
fi
if [ "$status" -ge 124 ]; then
  echo "test_windows: the Windows tests did not finish within 300 s" >&2
fi
exit "$status"
