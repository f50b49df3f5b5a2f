/**
 * The package version, as in `deno.json` (a test keeps the two equal).
 *
 * Reading `deno.json` at run time would need file access that works the same
 * from a JSR URL, an npm install and a local checkout; a constant does.
 *
 * @module
 */

/** The version of this package. */
export const VERSION = "0.1.0";
