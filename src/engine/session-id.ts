const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * A random (version 4) UUID for a new session. Built from `crypto.getRandomValues`, which
 * every runtime has, where `crypto.randomUUID` is missing on pages that are not a secure
 * context (plain `http://` from a host other than localhost).
 * @internal
 */
export function newSessionId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (byte) => HEX[byte]);
  for (const at of [10, 8, 6, 4]) hex.splice(at, 0, '-');
  // join() yields one flat string; concatenation would keep a rope of pieces for the
  // whole session, and the id lives as long as the connection.
  return hex.join('');
}
