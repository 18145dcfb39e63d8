/**
 * Plain objects used as dictionaries keyed by names a provider or a configuration chose: read and
 * written as own properties only, so that a name like `constructor` is not found on the prototype
 * and a name like `__proto__` is a key, not a change of prototype.
 */

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

export function getOwn<T>(object: { readonly [key: string]: T }, key: string): T | undefined {
  return hasOwn(object, key) ? object[key] : undefined;
}

export function setOwn<T>(object: { [key: string]: T }, key: string, value: T): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
