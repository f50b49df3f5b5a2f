/**
 * How cmd.exe splits a batch script's parameters (`%1`, `%2`, …), shared by
 * the two cmd.exe models of the tests.
 */

/** Splits a batch script's parameters as cmd.exe does for %1, %2, … */
export function batchParams(text: string): string[] {
  const params: string[] = [];
  let current = "";
  let quoted = false;
  let started = false;
  for (const ch of text) {
    if (!quoted && " \t,;=".includes(ch)) {
      if (started) params.push(current);
      current = "";
      started = false;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    current += ch;
    started = true;
  }
  if (started) params.push(current);
  return params;
}
