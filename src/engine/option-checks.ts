// The engine's option rules that a generic one (core/option-rules.ts) cannot express.
import { closestName } from '../core/option-keys.js';
import { got, is, isFunction, optional, type Rule, type Rules } from '../core/option-rules.js';
import { checkWebSocketUrl } from '../core/validation.js';
import type { ResolvedReconnect } from './options.js';
import type { WebSocketClient } from './types.js';

/** A function, or nothing: an optional callback. @internal */
export const callback: Rule = optional(is('a function', isFunction));

/** An integer >= 0, or `Infinity` for no bound. @internal */
export const count: Rule = is(
  'an integer >= 0 or Infinity',
  (v) => v === Infinity || (Number.isInteger(v) && (v as number) >= 0),
);

/**
 * `url`: a function (called, and its result checked, at each connect) or a static URL,
 * checked now so a typo fails in the constructor.
 * @internal
 */
export const checkUrl: Rule = (url, path, issues) => {
  if (isFunction(url)) return url;
  const problem =
    typeof url === 'string' || url instanceof URL
      ? checkWebSocketUrl(url)
      : `expected a string, a URL or a function returning one, got ${got(url)}`;
  if (typeof problem === 'string') issues.push(`${path}: ${problem}`);
  return url;
};

// Each callback is optional; a key added to WebSocketClient and not here fails to compile.
const CALLBACK_RULES: Rules<WebSocketClient> = {
  onOpen: callback,
  onMessage: callback,
  onReadError: callback,
  onClose: callback,
  onCloseError: callback,
  onRestartError: callback,
  onExit: callback,
};
const CALLBACKS = Object.keys(CALLBACK_RULES) as (keyof WebSocketClient)[];

/**
 * `client`: an object whose callbacks are functions. Its other members are its own business
 * (it may be a class instance with fields and helpers), except methods named like a
 * callback (`onMesage`, `onclose`): those would never be called, so they are issues.
 * @internal
 */
export const checkClient: Rule = (client, path, issues) => {
  if (client === null || typeof client !== 'object') {
    issues.push(
      `${path}: expected an object of callbacks (onMessage, or none and engine.messages()), got ${got(client)}`,
    );
    return client;
  }
  const seen = new Set<string>(CALLBACKS);
  for (let o: object | null = client; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (seen.has(key) || !/^on/i.test(key)) continue;
      seen.add(key);
      const close = isFunction(Object.getOwnPropertyDescriptor(o, key)?.value) && closestName(key, CALLBACKS);
      if (close) issues.push(`unknown callback \`${path}.${key}\`: did you mean \`${path}.${close}\`?`);
    }
  }
  for (const name of CALLBACKS) {
    CALLBACK_RULES[name]((client as WebSocketClient)[name], `${path}.${name}`, issues);
  }
  return client;
};

/**
 * `reconnect` checked by `rule`, then its delays against each other: `maxDelayMs` bounds
 * every wait, so it may not be below `initialDelayMs`.
 * @internal
 */
export function orderedDelays(rule: Rule): Rule {
  return (value, path, issues) => {
    const r = rule(value, path, issues) as ResolvedReconnect | undefined;
    const ms = (v: unknown) => typeof v === 'number' && v >= 0;
    if (r && ms(r.initialDelayMs) && ms(r.maxDelayMs) && r.maxDelayMs < r.initialDelayMs) {
      issues.push(
        `${path}.maxDelayMs: expected >= ${path}.initialDelayMs (${r.initialDelayMs}), got ${r.maxDelayMs}`,
      );
    }
    return r;
  };
}
