/**
 * A minimal Reflect metadata store, installed only when no `reflect-metadata` polyfill is present.
 *
 * `@peculiar/x509` resolves its algorithm providers through tsyringe, which refuses to load unless
 * `Reflect.getMetadata` exists. Both only store and read plain values by key, target and optional
 * property, so a WeakMap-backed implementation of the functions they use is enough. Importing the real
 * `reflect-metadata` package first makes this module a no-op.
 */

type Target = object;
type Key = unknown;
type Property = string | symbol | undefined;

const store = new WeakMap<Target, Map<Property, Map<Key, unknown>>>();
const reflect = Reflect as unknown as Record<string, unknown>;

function own(target: Target, property: Property, create: boolean): Map<Key, unknown> | undefined {
  let byProperty = store.get(target);
  if (byProperty === undefined) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let values = byProperty.get(property);
  if (values === undefined && create) {
    values = new Map();
    byProperty.set(property, values);
  }
  return values;
}

function define(key: Key, value: unknown, target: Target, property?: Property): void {
  own(target, property, true)?.set(key, value);
}

function getOwn(key: Key, target: Target, property?: Property): unknown {
  return own(target, property, false)?.get(key);
}

function get(key: Key, target: Target, property?: Property): unknown {
  for (let o: Target | null = target; o !== null; o = Object.getPrototypeOf(o) as Target | null) {
    const values = own(o, property, false);
    if (values?.has(key) === true) return values.get(key);
  }
  return undefined;
}

if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = define;
  reflect.getOwnMetadata = getOwn;
  reflect.getMetadata = get;
  reflect.hasMetadata = (key: Key, target: Target, property?: Property): boolean => get(key, target, property) !== undefined;
  reflect.hasOwnMetadata = (key: Key, target: Target, property?: Property): boolean => getOwn(key, target, property) !== undefined;
  reflect.metadata =
    (key: Key, value: unknown) =>
    (target: Target, property?: Property): void =>
      define(key, value, target, property);
}

export {};
