/**
 * Numbers as cty writes and reads them. cty's numbers are arbitrary-precision decimals; here they
 * are doubles, so a result needing more than about 15 significant digits (`1/3`) is written
 * shorter than Terraform writes it. Arithmetic results are rounded to 15 significant digits so
 * that decimal arithmetic gives what Terraform gives (`0.1 + 0.2` is `0.3`, not `0.30000000000000004`).
 */

/** A number as `tostring` and templates write it: no exponent, no trailing `.0` (`4`, `0.0000001`). */
export function numberToString(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Object.is(value, -0)) return '0';
  const text = String(value);
  const exponent = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exponent) return text;
  const [, sign, first, rest = '', exp] = exponent;
  const digits = first + rest;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const NUMBER_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A string converted to a number as cty converts it (`"12"`, `"1e3"`; not `" 12"`, not `"0x10"`), or undefined. */
export function parseNumber(text: string): number | undefined {
  if (!NUMBER_TEXT.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** An arithmetic result, rounded where a double's last digits are only representation error. */
export function arithmeticResult(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  return Number(value.toPrecision(15));
}
