export const MAX_DATA_BYTES = 16 * 1024;
export const MAX_DATA_DEPTH = 8;

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Why `value` (at nesting `depth`, the top object being 1) is not JSON within the depth limit, or null.
 * The recursion stops at the limit, so a hostile, deeply nested input cannot exhaust the stack.
 */
function jsonProblem(value: unknown, depth: number): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'must contain only finite numbers';
  const children = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : null;
  if (children === null) return 'must contain only JSON values';
  if (depth > MAX_DATA_DEPTH) return `must be nested at most ${MAX_DATA_DEPTH} levels deep`;
  for (const child of children) {
    const problem = jsonProblem(child, depth + 1);
    if (problem) return problem;
  }
  return null;
}

/** Why `value` is not an acceptable `data` object (a JSON object, ≤ 16 KiB as UTF-8 JSON, depth ≤ 8), or null. */
export function dataObjectProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return `expected object, got ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`;
  const problem = jsonProblem(value, 1);
  if (problem) return problem;
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  return bytes > MAX_DATA_BYTES ? `must be at most ${MAX_DATA_BYTES} bytes as JSON, got ${bytes}` : null;
}
