/**
 * Describes a value in an error message.
 *
 * @module
 */

/** A short, quoted description of any value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `an array ${safeJson(value)}`;
  return `an object ${safeJson(value)}`;
}

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value) ?? "";
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return "";
  }
}
