/**
 * Objects built from keys the configuration computed. A key such as `__proto__` must be an
 * ordinary key, so keys are defined, never assigned.
 */
import type { Value } from './value';

export function setKey(object: { [key: string]: Value }, key: string, value: Value): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

export function hasKey(object: { readonly [key: string]: Value }, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}
