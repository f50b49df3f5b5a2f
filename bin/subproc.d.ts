/** The `subproc` command exports nothing: it runs when loaded. */
export {};
