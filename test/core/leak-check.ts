import { inspect } from 'node:util';

/**
 * Every place `secrets` appear in `value`: its `util.inspect` rendering (what `console.log`
 * prints) and a walk of every own property, enumerable or not, down the `cause` chain and
 * into nested objects (what a JSON logger or an error reporter may serialise). Getters are
 * not called. An empty list means the value is safe to log.
 */
export function secretsIn(value: unknown, secrets: readonly string[]): string[] {
  const found: string[] = [];
  const rendered = inspect(value, { depth: 10 });
  for (const secret of secrets) if (rendered.includes(secret)) found.push(`inspect: ${secret}`);
  const seen = new Set<object>();
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') {
      for (const secret of secrets) if (v.includes(secret)) found.push(`${path}: ${secret}`);
      return;
    }
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) return;
    seen.add(v);
    if (v instanceof URL) {
      walk(v.href, `${path}.href`);
      return;
    }
    for (const key of Reflect.ownKeys(v)) {
      const descriptor = Object.getOwnPropertyDescriptor(v, key);
      if (descriptor && 'value' in descriptor) walk(descriptor.value, `${path}.${String(key)}`);
    }
  };
  walk(value, 'error');
  return found;
}
