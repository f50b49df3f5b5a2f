/**
 * The `subproc` command (placeholder until the CLI lands).
 *
 * @module
 */

if (import.meta.main) {
  console.error("subproc: the CLI is not implemented yet");
}
