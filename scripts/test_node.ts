/**
 * Runs the test suite under Node against the npm build: compiles it into
 * `.build/node/` (`node_tests.ts`), then `node --test` runs it on every Node
 * given.
 *
 * Usage: `deno run -A scripts/test_node.ts NODE_BINARY...`
 *
 * @module
 */

import { skipFor } from "./_dev_tools.ts";
import { nodeTestsDir, prepareNodeTests } from "./node_tests.ts";

/** The Nodes given, else the one on PATH, if any. */
function nodesToRun(): string[] {
  if (Deno.args.length > 0) return Deno.args;
  try {
    new Deno.Command("node", { args: ["--version"] }).outputSync();
    return ["node"];
  } catch {
    return [];
  }
}

const nodes = nodesToRun();
if (nodes.length === 0) Deno.exit(skipFor("the Node suite", ["node"]) ? 0 : 1);
const files = prepareNodeTests();
let failed = false;
for (const node of nodes) {
  const version = new Deno.Command(node, { args: ["--version"] }).outputSync();
  const name = new TextDecoder().decode(version.stdout).trim();
  console.log(`\n=== Node ${name} (${node}): ${files.length} test files ===`);
  const { code } = new Deno.Command(node, {
    args: ["--test", "--test-concurrency=2", ...files],
    cwd: nodeTestsDir,
    stdout: "inherit",
    stderr: "inherit",
  }).outputSync();
  if (code !== 0) {
    console.log(`Node ${name}: FAILED (exit code ${code})`);
    failed = true;
  }
}
Deno.exit(failed ? 1 : 0);
