/**
 * The errors callers are meant to catch, one file a family under
 * `errors/`. Bad arguments throw `TypeError` or `RangeError` instead.
 *
 * @module
 */

export * from "./errors/subprocess_error.ts";
export * from "./errors/not_started.ts";
export * from "./errors/ended.ts";
export * from "./errors/untrusted_file.ts";
export * from "./errors/not_ready.ts";
