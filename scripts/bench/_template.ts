/**
 * The prose of the report and of the README section lives in Markdown
 * (`prose/`), with `{{placeholders}}` for what a run measured.
 *
 * @module
 */

const PROSE = new URL("prose/", import.meta.url);

/** The template `prose/NAME`, without its leading comment (which says what
 * fills it in). */
export function readProse(name: string): string {
  const text = Deno.readTextFileSync(new URL(name, PROSE));
  return text.replace(/^<!--[\s\S]*?-->\n+/, "");
}

/**
 * `template` with every `{{key}}` replaced by `values[key]`. A placeholder
 * alone on its line whose value is empty goes with its line and the blank
 * line after it.
 *
 * @throws {Error} A placeholder has no value, or a value no placeholder.
 */
export function fill(
  template: string,
  values: Readonly<Record<string, string>>,
): string {
  const unused = new Set(Object.keys(values));
  const value = (key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`No value for {{${key}}}`);
    unused.delete(key);
    return v;
  };
  const out = template
    .replace(/^\{\{([^}]+)\}\}\n\n/gm, (_line, key: string) => {
      const v = value(key);
      return v === "" ? "" : `${v}\n\n`;
    })
    .replace(/\{\{([^}]+)\}\}/g, (_, key: string) => value(key));
  if (unused.size > 0) {
    throw new Error(`No placeholder for ${[...unused].join(", ")}`);
  }
  return out;
}
