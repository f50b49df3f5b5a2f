/**
 * The public types, one file a family under `types/`; `mod.ts` exports
 * every one of them.
 *
 * None of them mention `Deno.*` or `node:*` types, so the npm `.d.ts`
 * compiles without either.
 *
 * @module
 */

export type * from "./types/process.ts";
export type * from "./types/spawn.ts";
export type * from "./types/subprocess.ts";
export type * from "./types/run.ts";
export type * from "./types/detach.ts";
export type * from "./types/ready.ts";
