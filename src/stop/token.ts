/**
 * The containment token: a variable every descendant of a contained child
 * inherits with its environment, so that a stop can find the ones that left
 * its tree (a double fork re-parents them to PID 1) where there is no
 * cgroup. A daemon that clears its environment (`env -i`) loses it: only a
 * cgroup holds that one.
 *
 * It lives with the stops, which look for it; `contain/prepare.ts` hands a
 * new one to each contained child.
 *
 * The value is a list: a contained child that contains children of its own
 * adds its token to the one it inherited, so the outer stop still finds the
 * inner children.
 *
 * @module
 */

/** The variable that carries the tokens. */
export const TOKEN_VARIABLE = "SUBPROC_CONTAIN_TOKEN";

const SEPARATOR = ":";

/** How a token looks: 32 hexadecimal digits. */
export const TOKEN_PATTERN: RegExp = /^[0-9a-f]{32}$/;

/** A new token, unique to one child: 128 random bits. Not from WebCrypto,
 * whose first use costs a command-line start about a millisecond: a token
 * needs to be unique, not secret — knowing it only lets a process have
 * itself stopped with our child. */
export function newToken(): string {
  let token = "";
  for (let i = 0; i < 4; i++) {
    token += Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, "0");
  }
  return token;
}

/** The value of {@linkcode TOKEN_VARIABLE} for a child given `token`, when
 * the environment it starts from already holds `inherited`. */
export function tokenValue(
  inherited: string | undefined,
  token: string,
): string {
  return inherited ? `${inherited}${SEPARATOR}${token}` : token;
}

/** `true` when `environment` (`KEY=VALUE` entries) carries `token`. */
export function carriesToken(
  environment: readonly string[],
  token: string,
): boolean {
  const prefix = `${TOKEN_VARIABLE}=`;
  const entry = environment.find((e) => e.startsWith(prefix));
  return entry !== undefined &&
    entry.slice(prefix.length).split(SEPARATOR).includes(token);
}
