/**
 * Containment, decided before a child starts: a cgroup of its own (Linux,
 * where one can be made), or a token in its environment that its
 * descendants inherit (`stop/token.ts`), or — where neither can be read back —
 * nothing more than its group and tree (Windows holds a child's tree in a
 * job of ours instead).
 *
 * @module
 */

import { process } from "../runtime/host.ts";
import { ContainmentUnavailableError } from "../errors.ts";
import { os } from "../os/select.ts";
import type { ContainMode } from "../types.ts";
import { newToken, TOKEN_VARIABLE, tokenValue } from "../stop/token.ts";

/** How one child is contained. */
export interface Containment {
  /** Its cgroup's directory, or `null`. */
  readonly cgroup: string | null;
  /** Its token, or `undefined`. */
  readonly token: string | undefined;
  /** Added to the child's environment: the token. */
  readonly env: Readonly<Record<string, string>>;
}

/** What of the spawn options containment needs. */
interface ContainRequest {
  readonly mode: ContainMode;
  /** The command, for an error's message. */
  readonly cmd: readonly string[];
  readonly env: Readonly<Record<string, string>> | undefined;
  readonly clearEnv: boolean;
}

const NONE: Containment = {
  cgroup: null,
  token: undefined,
  env: {},
};

/**
 * Makes what `request.mode` asks for: for `"cgroup"` and `"auto"` a new,
 * empty cgroup where one can be made, else (`"auto"`, `"tree"`) a token.
 * The caller removes the cgroup if the child then fails to start.
 *
 * @throws {ContainmentUnavailableError} `"cgroup"`, and none can be made.
 */
export function prepareContainment(request: ContainRequest): Containment {
  const { mode } = request;
  if (mode !== "tree") {
    const cgroups = os.cgroups;
    let support = cgroups === null
      ? {
        ok: false as const,
        reason: `cgroups exist only on Linux, not on ${os.name}`,
      }
      : cgroups.support();
    if (support.ok) support = cgroups!.create(support.parent);
    if (support.ok) return { ...NONE, cgroup: support.parent };
    if (mode === "cgroup") {
      throw new ContainmentUnavailableError(
        `Cannot contain ${
          JSON.stringify(request.cmd[0])
        } in a cgroup: ${support.reason}; nothing was started (contain: "auto" falls back to the process tree)`,
        { cmd: request.cmd },
      );
    }
  }
  // clearEnv: the environment is exactly `env`, with no token in it.
  if (!os.readsEnvironments || request.clearEnv) return NONE;
  const token = newToken();
  const inherited = request.env?.[TOKEN_VARIABLE] ??
    process.env[TOKEN_VARIABLE];
  return {
    ...NONE,
    token,
    env: { [TOKEN_VARIABLE]: tokenValue(inherited, token) },
  };
}
