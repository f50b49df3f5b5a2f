#!/usr/bin/env bash
# The Windows tests (tests/windows/) under Wine 8, with the Windows build of
# Deno: `deno task test:windows`. The test bed comes from ../shared/wine
# (apt wine + mingw, deno.exe from npm, a Wine prefix): about a minute the
# first time, a second afterwards. Extra arguments go to `deno test`.
set -euo pipefail
cd "$(dirname "$0")/.."
# setup.sh prints the exports to use (or a failing command naming its log).
eval "$(../shared/wine/setup.sh)"
exec wine64 "$SUBPROC_WINE_DENO" test -A tests/windows/ "$@"
