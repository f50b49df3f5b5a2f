/**
 * Load: many children at once, ending every way there is. Afterwards no
 * process of ours is alive, our fd count is back to its baseline, nothing
 * rejected unhandled, and every result was right.
 */

import assert from "node:assert/strict";
import { FULL, fullOnly, reliabilityCase } from "./_case.ts";
import { ENDINGS, runLoad } from "./_load.ts";

function loadCase(count: number, concurrency: number, skip: string | false) {
  reliabilityCase(
    `load: ${count} children, ${concurrency} at a time, every ending`,
    {
      area: "load",
      expected: `every result right (${
        ENDINGS.join(", ")
      }); 0 unhandled rejections`,
      skip,
      settleMs: 3000,
    },
    async () => {
      const result = await runLoad(count, concurrency, 20261123);
      assert.deepEqual(result.unhandled, [], "unhandled rejections");
      assert.deepEqual(
        result.wrong.slice(0, 10),
        [],
        `${result.wrong.length} wrong result(s)`,
      );
      const rate = Math.round(count / (result.ms / 1000));
      return `${count}/${count} right, 0 unhandled rejections; ${
        (result.ms / 1000).toFixed(1)
      } s (${rate} children/s); RSS ${result.startRssMiB} → peak ${result.peakRssMiB} MiB`;
    },
  );
}

// The fast subset runs on every `deno test`; the full one with SUBPROC_FULL=1.
loadCase(96, 48, FULL ? "the full load case runs instead" : false);
loadCase(1000, 200, fullOnly);
