/**
 * Helpers of the readiness tests: a free port, the delayed server fixture,
 * a self-signed certificate.
 */

import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { runtimeCommand } from "./_helpers.ts";

/** A TCP port nothing listens on right now (the kernel's pick, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The command that runs `tests/fixtures/ready_server.ts` (see there). */
export function serverCommand(
  mode: "tcp" | "http" | "https" | "none",
  port: number,
  delayMs: number,
  tls: readonly string[] = [],
): string[] {
  return [
    ...runtimeCommand("fixtures/ready_server.ts"),
    mode,
    String(port),
    String(delayMs),
    ...tls,
  ];
}

/** `true` where `openssl` runs. */
export const hasOpenssl: boolean =
  spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0;

/** A self-signed certificate and key for 127.0.0.1 made with `openssl` in
 * `dir` (`[cert, key]`), or `null` where there is no `openssl`. */
export function selfSignedCert(dir: string): [string, string] | null {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const made = spawnSync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    key,
    "-out",
    cert,
  ], { stdio: "ignore" });
  return made.status === 0 ? [cert, key] : null;
}
