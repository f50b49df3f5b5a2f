/**
 * Where the CLI writes: results to stdout, diagnostics to stderr, one line
 * each.
 *
 * @module
 */

/** Writes one line (a result) to stdout. */
export function printLine(line: string): void {
  console.log(line);
}

/** Writes one line (a diagnostic) to stderr. */
export function printError(line: string): void {
  console.error(line);
}
