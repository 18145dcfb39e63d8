/**
 * Kubernetes resource quantities (`10Gi`, `500M`, `1.5e9`): enough to tell whether a PVC's
 * storage request grows or shrinks. The API server compares parsed quantities, not strings, so
 * `1Gi` → `1024Mi` is no change at all.
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** The quantity's value in base units, or undefined when it isn't a valid quantity. */
export function parseQuantity(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const match = QUANTITY.exec(raw.trim());
  if (!match) return undefined;
  const [, digits, suffix, exponent] = match;
  const number = Number(digits);
  if (exponent !== undefined) return number * 10 ** Number(exponent);
  return number * (BINARY[suffix ?? ''] ?? DECIMAL[suffix ?? '']);
}
