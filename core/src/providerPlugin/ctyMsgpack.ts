/**
 * Values in the plugin protocol's msgpack form (`DynamicValue.msgpack`), as go-cty writes and reads
 * them, so that a provider decodes what Terraform itself would have sent:
 * - an unknown is extension 0 with one zero byte (`d4 00 00`); any extension of at most one byte,
 *   and the refined-unknown extension 12, read back as an unknown (refinements are dropped);
 * - null is nil; a value of type `dynamic` is the pair [type JSON as bin, value];
 * - a number is the smallest int that holds it, a float64 when it is exactly one, else its decimal
 *   text (how cty sends `0.1`, which no float64 is, and integers past 64 bits);
 * - lists, sets and tuples are arrays; maps and objects are maps with keys in byte order.
 *
 * Encoding writes the bytes itself: go-cty's key order and its integer widths cannot be carried
 * through a JavaScript object and a double. Decoding reads with @msgpack/msgpack.
 */
import { decode, ExtData, type ExtensionCodecType } from '@msgpack/msgpack';
import { numberToString, parseNumber } from '../terraform/evaluation/numbers';
import { compareStrings } from '../terraform/evaluation/ordering';
import { Unknown, type Value } from '../terraform/evaluation/value';
import { CtyConversionError, convertToCtyType, type CtyPathStep } from './ctyConvert';
import { attributeTypeOf, ctyTypeJson, ctyTypeName, parseCtyType, typeOfValue } from './ctyType';
import { getOwn, setOwn } from './ownProperties';
import type { CtyType } from './providerSchema';
import { providerUnknown } from './providerUnknown';

/** go-cty's extension type for an unknown that carries refinements (not null, a string prefix, bounds). */
const REFINED_UNKNOWN_EXTENSION = 0x0c;

/**
 * The value as msgpack bytes of the given type, converted first as Terraform converts a
 * configuration (see convertToCtyType); throws a CtyConversionError naming the path it cannot convert.
 */
export function encodeCtyMsgpack(value: Value, type: CtyType): Uint8Array {
  const writer = new MsgpackWriter();
  writeValue(writer, convertToCtyType(value, type), type);
  return writer.bytes();
}

/** A value of the given type read from msgpack bytes; every unknown in it is `providerUnknown()`. */
export function decodeCtyMsgpack(bytes: Uint8Array, type: CtyType): Value {
  let data: unknown;
  try {
    data = decode(bytes, { extensionCodec: EXTENSIONS_AS_DATA, useBigInt64: true, mapKeyConverter: stringKeysOnly });
  } catch (error) {
    throw new Error(`the value is not valid msgpack: ${(error as Error).message}`);
  }
  return readValue(data, type, []);
}

// ---- writing ---------------------------------------------------------------------------------

function writeValue(writer: MsgpackWriter, value: Value, type: CtyType): void {
  if (value instanceof Unknown) return writer.unknown();
  if (value === null || value === undefined) return writer.nil();
  if (type === 'dynamic') {
    // A dynamic value carries its own type, so that the reader knows what to decode it as.
    const actual = typeOfValue(value);
    writer.arrayHeader(2);
    writer.binary(new TextEncoder().encode(ctyTypeJson(actual)));
    return writeValue(writer, value, actual);
  }
  if (typeof type === 'string') {
    if (type === 'string') return writer.string(value as string);
    if (type === 'bool') return writer.bool(value as boolean);
    return writeNumber(writer, value as number);
  }
  switch (type[0]) {
    case 'list':
    case 'set': {
      const elements = value as readonly Value[];
      writer.arrayHeader(elements.length);
      for (const element of elements) writeValue(writer, element, type[1]);
      return;
    }
    case 'tuple': {
      const elements = value as readonly Value[];
      writer.arrayHeader(elements.length);
      elements.forEach((element, i) => writeValue(writer, element, type[1][i]));
      return;
    }
    case 'map': {
      const map = value as { readonly [key: string]: Value };
      const keys = Object.keys(map).sort(compareStrings);
      writer.mapHeader(keys.length);
      for (const key of keys) {
        writer.string(key);
        writeValue(writer, map[key], type[1]);
      }
      return;
    }
    case 'object': {
      const object = value as { readonly [key: string]: Value };
      const names = Object.keys(type[1]).sort(compareStrings);
      writer.mapHeader(names.length);
      for (const name of names) {
        writer.string(name);
        writeValue(writer, getOwn(object, name) ?? null, type[1][name]);
      }
      return;
    }
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DOUBLE_SIGNIFICAND_LIMIT = 2n ** 53n;

/**
 * A number as cty writes one. The double stands for the decimal it is written as (`0.1`, not the
 * binary fraction nearest it), as the evaluator's numbers stand for cty's decimal ones.
 */
function writeNumber(writer: MsgpackWriter, value: number): void {
  if (!Number.isFinite(value)) return writer.float64(value);
  const text = numberToString(value);
  const fraction = text.indexOf('.');
  if (fraction < 0) {
    const integer = BigInt(text);
    return integer >= INT64_MIN && integer <= INT64_MAX ? writer.integer(integer) : writer.string(text);
  }
  return isExactlyDouble(text, fraction) ? writer.float64(value) : writer.string(text);
}

/** True when the decimal text's value is exactly a double: a dyadic fraction with a significand of at most 53 bits. */
function isExactlyDouble(text: string, point: number): boolean {
  const digits = text.replace('-', '').replace('.', '');
  let scale = text.length - point - 1;
  const fives = 5n ** BigInt(scale);
  let significand = BigInt(digits);
  if (significand % fives !== 0n) return false;
  significand /= fives;
  while (scale > 0 && significand % 2n === 0n) {
    significand /= 2n;
    scale--;
  }
  return significand < DOUBLE_SIGNIFICAND_LIMIT && scale <= 1074;
}

/** The msgpack forms go-cty's encoder (vmihailenco/msgpack with compact ints) produces. */
class MsgpackWriter {
  private readonly chunks: Uint8Array[] = [];

  bytes(): Uint8Array {
    const length = this.chunks.reduce((total, chunk) => total + chunk.length, 0);
    const out = new Uint8Array(length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  nil(): void {
    this.push(0xc0);
  }

  bool(value: boolean): void {
    this.push(value ? 0xc3 : 0xc2);
  }

  unknown(): void {
    this.push(0xd4, 0x00, 0x00);
  }

  integer(value: bigint): void {
    if (value >= 0n) {
      if (value <= 0x7fn) this.push(Number(value));
      else if (value <= 0xffn) this.push(0xcc, Number(value));
      else if (value <= 0xffffn) this.fixed(0xcd, 2, value);
      else if (value <= 0xffffffffn) this.fixed(0xce, 4, value);
      else this.fixed(0xcf, 8, value);
    } else if (value >= -32n) this.push(Number(value) & 0xff);
    else if (value >= -128n) this.fixed(0xd0, 1, value);
    else if (value >= -32768n) this.fixed(0xd1, 2, value);
    else if (value >= -2147483648n) this.fixed(0xd2, 4, value);
    else this.fixed(0xd3, 8, value);
  }

  float64(value: number): void {
    const bytes = new Uint8Array(9);
    bytes[0] = 0xcb;
    new DataView(bytes.buffer).setFloat64(1, value);
    this.chunks.push(bytes);
  }

  string(value: string): void {
    const utf8 = new TextEncoder().encode(value);
    const n = utf8.length;
    if (n < 32) this.push(0xa0 | n);
    else if (n < 0x100) this.push(0xd9, n);
    else if (n <= 0xffff) this.fixed(0xda, 2, BigInt(n));
    else this.fixed(0xdb, 4, BigInt(n));
    this.chunks.push(utf8);
  }

  binary(value: Uint8Array): void {
    const n = value.length;
    if (n < 0x100) this.push(0xc4, n);
    else if (n <= 0xffff) this.fixed(0xc5, 2, BigInt(n));
    else this.fixed(0xc6, 4, BigInt(n));
    this.chunks.push(value);
  }

  arrayHeader(length: number): void {
    if (length < 16) this.push(0x90 | length);
    else if (length <= 0xffff) this.fixed(0xdc, 2, BigInt(length));
    else this.fixed(0xdd, 4, BigInt(length));
  }

  mapHeader(length: number): void {
    if (length < 16) this.push(0x80 | length);
    else if (length <= 0xffff) this.fixed(0xde, 2, BigInt(length));
    else this.fixed(0xdf, 4, BigInt(length));
  }

  /** A code followed by a big-endian two's-complement integer of the given width. */
  private fixed(code: number, width: number, value: bigint): void {
    const bytes = new Uint8Array(1 + width);
    bytes[0] = code;
    let rest = BigInt.asUintN(width * 8, value);
    for (let i = width; i >= 1; i--) {
      bytes[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
    this.chunks.push(bytes);
  }

  private push(...bytes: number[]): void {
    this.chunks.push(Uint8Array.from(bytes));
  }
}

// ---- reading ---------------------------------------------------------------------------------

/** Every extension comes back as its raw data: go-cty's only extensions are unknowns. */
const EXTENSIONS_AS_DATA: ExtensionCodecType<undefined> = {
  tryToEncode: () => null,
  decode: (data: Uint8Array, type: number) => new ExtData(type, data),
};

function stringKeysOnly(key: unknown): string {
  if (typeof key !== 'string') throw new Error(`a map key must be a string, got ${typeof key}`);
  return key;
}

function readValue(data: unknown, type: CtyType, path: readonly CtyPathStep[]): Value {
  if (data instanceof ExtData) return readUnknown(data, path);
  if (type === 'dynamic') return readDynamic(data, path);
  if (data === null) return null;
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        if (typeof data === 'string') return data;
        break;
      case 'bool':
        if (typeof data === 'boolean') return data;
        break;
      case 'number': {
        if (typeof data === 'number') return data;
        if (typeof data === 'bigint') return Number(data);
        // Numbers too large or too precise for int64 and float64 travel as their decimal text.
        const parsed = typeof data === 'string' ? parseNumber(data) : undefined;
        if (parsed !== undefined) return parsed;
        break;
      }
    }
    throw new CtyConversionError(path, `a ${type} is required, got ${wireDescription(data)}`);
  }
  switch (type[0]) {
    case 'list':
    case 'set':
      if (!Array.isArray(data)) throw new CtyConversionError(path, `a ${ctyTypeName(type)} is required, got ${wireDescription(data)}`);
      return data.map((element: unknown, index) => readValue(element, type[1], [...path, { index }]));
    case 'tuple':
      if (!Array.isArray(data) || data.length !== type[1].length) {
        throw new CtyConversionError(path, `a tuple of ${type[1].length} elements is required, got ${wireDescription(data)}`);
      }
      return data.map((element: unknown, index) => readValue(element, type[1][index], [...path, { index }]));
    case 'map': {
      if (!isWireMap(data)) throw new CtyConversionError(path, `a ${ctyTypeName(type)} is required, got ${wireDescription(data)}`);
      const map: Record<string, Value> = {};
      for (const [key, element] of Object.entries(data)) setOwn(map, key, readValue(element, type[1], [...path, { key }]));
      return map;
    }
    case 'object': {
      if (!isWireMap(data)) throw new CtyConversionError(path, `an object is required, got ${wireDescription(data)}`);
      for (const name of Object.keys(data)) {
        if (attributeTypeOf(type[1], name) === undefined) throw new CtyConversionError([...path, { attribute: name }], 'unsupported attribute');
      }
      const object: Record<string, Value> = {};
      for (const [name, attributeType] of Object.entries(type[1])) {
        const element = getOwn(data, name);
        setOwn(object, name, element === undefined ? null : readValue(element, attributeType, [...path, { attribute: name }]));
      }
      return object;
    }
  }
}

function readUnknown(data: ExtData, path: readonly CtyPathStep[]): Value {
  const length = typeof data.data === 'function' ? Infinity : data.data.length;
  if (length <= 1 || data.type === REFINED_UNKNOWN_EXTENSION) return providerUnknown();
  throw new CtyConversionError(path, `unsupported msgpack extension type ${data.type} with ${length} bytes`);
}

function readDynamic(data: unknown, path: readonly CtyPathStep[]): Value {
  if (data === null) return null;
  if (!Array.isArray(data) || data.length !== 2) throw new CtyConversionError(path, 'a dynamic value must be a two-element array of its type and its value');
  const [typeJson, value] = data as [unknown, unknown];
  if (!(typeJson instanceof Uint8Array) && typeof typeJson !== 'string') {
    throw new CtyConversionError(path, `a dynamic value's type must be JSON bytes, got ${wireDescription(typeJson)}`);
  }
  let type: CtyType;
  try {
    type = parseCtyType(typeJson);
  } catch (error) {
    throw new CtyConversionError(path, `a dynamic value's type is not one: ${(error as Error).message}`);
  }
  return readValue(value, type, path);
}

function isWireMap(data: unknown): data is { readonly [key: string]: unknown } {
  return data !== null && typeof data === 'object' && !Array.isArray(data) && !(data instanceof Uint8Array) && !(data instanceof ExtData);
}

function wireDescription(data: unknown): string {
  if (data === null) return 'nil';
  if (typeof data === 'string') return JSON.stringify(data.length > 60 ? `${data.slice(0, 57)}...` : data);
  if (typeof data === 'number' || typeof data === 'boolean' || typeof data === 'bigint') return String(data);
  if (Array.isArray(data)) return `an array of ${data.length}`;
  if (data instanceof Uint8Array) return `${data.length} bytes of binary`;
  return 'a map';
}
