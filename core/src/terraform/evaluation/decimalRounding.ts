/**
 * Rounding a number to a number of decimal digits as cty's `format` does: cty holds a number as
 * the 512-bit binary float nearest to its decimal text, and Go rounds that binary value half to
 * even. So `%.0f` of 2.5 is "2" (an exact tie), and `%.2f` of 2.675 is "2.67" (the binary value is
 * just below the tie). A number is taken as its shortest decimal text, which is what was written.
 */

/** Decimal digits of a number: value = 0.digits × 10^point; digits without leading or trailing zeros. */
export interface Decimal {
  digits: string;
  point: number;
}

export function decimalOf(value: number): Decimal {
  if (value === 0) return { digits: '', point: 0 };
  const [mantissa, exponent] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  return { digits, point: Number(exponent) + 1 };
}

/** Rounds to `keep` leading digits (counted from the first digit; may be ≤ 0), half to even on cty's binary value. */
export function roundDigits(decimal: Decimal, keep: number): Decimal {
  const { digits, point } = decimal;
  if (keep >= digits.length) return decimal;
  if (keep < 0) return { digits: '', point };
  const kept = digits.slice(0, keep);
  const rest = digits.slice(keep);
  let up: boolean;
  if (rest[0] > '5' || (rest[0] === '5' && rest.length > 1)) up = true;
  else if (rest[0] < '5') up = false;
  else {
    const direction = tieDirection(digits, point);
    up = direction === 0 ? kept.length > 0 && Number(kept[kept.length - 1]) % 2 === 1 : direction > 0;
  }
  if (!up) return normalise(kept, point);
  const carried = (BigInt(kept === '' ? '0' : kept) + 1n).toString();
  const grew = carried.length > kept.length && kept !== '' ? 1 : kept === '' ? 1 : 0;
  return normalise(carried, point + grew);
}

function normalise(digits: string, point: number): Decimal {
  const trimmed = digits.replace(/0+$/, '');
  return trimmed === '' ? { digits: '', point: 0 } : { digits: trimmed, point };
}

/**
 * Where the 512-bit binary float nearest to the decimal 0.digits × 10^point lies against it:
 * 0 when it is exact, 1 above, -1 below.
 */
function tieDirection(digits: string, point: number): number {
  const fractional = digits.length - point;
  if (fractional <= 0) return 0;
  const n = BigInt(digits);
  const denominator = 10n ** BigInt(fractional);
  if (n % 5n ** BigInt(fractional) === 0n) return 0;
  const bits = (x: bigint) => x.toString(2).length;
  let shift = 512 - (bits(n) - bits(denominator));
  for (;;) {
    const numerator = shift >= 0 ? n << BigInt(shift) : n;
    const divisor = shift >= 0 ? denominator : denominator << BigInt(-shift);
    let m = numerator / divisor;
    if (bits(m) > 512) {
      shift--;
      continue;
    }
    if (bits(m) < 512) {
      shift++;
      continue;
    }
    const remainder = numerator - m * divisor;
    if (2n * remainder > divisor) m += 1n;
    return m * divisor > numerator ? 1 : -1;
  }
}

/** The digits as fixed-point text with `decimals` places: digits 12, point 1, 3 places → "1.200". */
export function fixedText(decimal: Decimal, decimals: number): string {
  const { digits, point } = roundDigits(decimal, decimal.point + decimals);
  const whole = point > 0 ? digits.slice(0, point).padEnd(point, '0') : '0';
  const fraction = point >= 0 ? digits.slice(point) : '0'.repeat(-point) + digits;
  const padded = fraction.padEnd(decimals, '0').slice(0, decimals);
  return decimals > 0 ? `${whole}.${padded}` : whole;
}
