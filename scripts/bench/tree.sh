#!/bin/sh
# Builds a process tree for the tree-stopping benchmarks (scripts/bench/).
#
#   tree.sh ESCAPES FANOUT...
#
# This shell starts FANOUT[0] children: `sleep`s when it is the last fan-out,
# else shells running `tree.sh` with the rest. While ESCAPES > 0 a shell also
# starts one escape and passes ESCAPES - 1 to its first child, so the escapes
# sit at different depths. An escape is a `setsid sleep` (a new session and
# group, parent link kept: a daemon-ish descendant that group kills miss),
# or with TREE_DOUBLE_FORK=1 in the environment a double fork (`setsid
# sleep` whose parent exits at once: re-parented, out of reach of parent
# links too).
#
#   tree.sh 3 4 6 7  →  1 + 4 + 24 + 168 processes on 4 levels
#                       + 3 escaped = 200
#
# No process traps SIGTERM; each sleeps until it is signalled.
escapes=$1
shift
fanout=$1
shift
if [ "$escapes" -gt 0 ]; then
  if [ "${TREE_DOUBLE_FORK:-}" = 1 ]; then
    (setsid sleep 100000 &)
  else
    setsid sleep 100000 &
  fi
fi
i=0
while [ "$i" -lt "$fanout" ]; do
  if [ $# -eq 0 ]; then
    sleep 100000 &
  elif [ "$i" -eq 0 ] && [ "$escapes" -gt 0 ]; then
    "$0" $((escapes - 1)) "$@" &
  else
    "$0" 0 "$@" &
  fi
  i=$((i + 1))
done
wait
