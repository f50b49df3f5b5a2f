// @ts-check
/**
 * What the shared benchmark modules (`_*.mjs`) need from the runtime they
 * run on, in one place: they run under Deno (`deno_cases.ts`), Node and Bun
 * (`peers.mjs`) without TypeScript. Deno uses its own API, so that the Deno
 * cases don't load its Node compatibility layer.
 *
 * @module
 */

/**
 * @typedef {object} Host
 * @property {string} prefix `"deno"`, `"node"` or `"bun"`: the prefix of
 *   this runtime's series ids.
 * @property {string} runtime `"deno 2.9.6"`, `"node 22.23.3"`…
 * @property {(path: string) => string} readText The text of a file.
 * @property {(path: string) => string[]} readDir The names in a directory.
 * @property {(pid: number, signal: "SIGKILL" | "SIGTERM") => boolean} kill
 *   Sends a signal; `false` when there is no such process.
 * @property {(path: string) => void} remove Removes a file.
 * @property {(argv: readonly string[]) => Spawned} spawnDetached Starts
 *   `argv` in a new session, stdio on `/dev/null`, by the raw runtime call
 *   (not subproc, so that none of its containment applies).
 * @property {(port: number) => Promise<Listener>} listen Listens on
 *   127.0.0.1:`port` (0: a port the kernel picks), closing what connects.
 */

/**
 * @typedef {object} Listener
 * @property {number} port
 * @property {() => Promise<void>} close
 */

/**
 * @typedef {object} Spawned
 * @property {number} pid
 * @property {Promise<void>} exited Resolves once it ended and was reaped.
 */

/**
 * `true` unless `fn` throws.
 *
 * @param {() => unknown} fn
 * @returns {boolean}
 */
function succeeds(fn) {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {typeof Deno} deno
 * @returns {Host}
 */
function denoHost(deno) {
  return {
    prefix: "deno",
    runtime: `deno ${deno.version.deno}`,
    readText: (path) => deno.readTextFileSync(path),
    readDir: (path) => Array.from(deno.readDirSync(path), (e) => e.name),
    kill: (pid, signal) => succeeds(() => deno.kill(pid, signal)),
    remove: (path) => deno.removeSync(path),
    spawnDetached: (argv) => {
      const child = new deno.Command(argv[0] ?? "", {
        args: argv.slice(1),
        stdin: "null",
        stdout: "null",
        stderr: "null",
        detached: true,
      }).spawn();
      return { pid: child.pid, exited: child.status.then(() => {}) };
    },
    listen: (port) => {
      const listener = deno.listen({ hostname: "127.0.0.1", port });
      return Promise.resolve({
        port: listener.addr.port,
        close: () => Promise.resolve(listener.close()),
      });
    },
  };
}

/** @returns {Promise<Host>} */
async function nodeHost() {
  const fs = await import("node:fs");
  const { spawn } = await import("node:child_process");
  const { createServer } = await import("node:net");
  const { default: process } = await import("node:process");
  const prefix = process.versions.bun === undefined ? "node" : "bun";
  return {
    prefix,
    runtime: `${prefix} ${process.versions[prefix]}`,
    readText: (path) => fs.readFileSync(path, "utf8"),
    readDir: (path) => fs.readdirSync(path),
    kill: (pid, signal) => succeeds(() => process.kill(pid, signal)),
    remove: (path) => fs.rmSync(path),
    spawnDetached: (argv) => {
      const child = spawn(argv[0] ?? "", argv.slice(1), {
        stdio: "ignore",
        detached: true,
      });
      return {
        pid: child.pid ?? 0,
        exited: new Promise((resolve) => child.once("exit", () => resolve())),
      };
    },
    listen: (port) =>
      new Promise((resolve, reject) => {
        const server = createServer((socket) => socket.destroy());
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => {
          const address = server.address();
          resolve({
            port: typeof address === "object" && address ? address.port : 0,
            close: () => new Promise((done) => server.close(() => done())),
          });
        });
      }),
  };
}

/** The runtime this module runs on. */
export const host = globalThis.Deno
  ? denoHost(globalThis.Deno)
  : await nodeHost();
