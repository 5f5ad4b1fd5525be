import type { Message } from './message.js';

/** Payload size in bytes: UTF-8 bytes for text, as on the wire. */
export function messageSize(message: Message): number {
  return typeof message.data === 'string' ? utf8ByteLength(message.data) : message.data.byteLength;
}

/**
 * UTF-8 length of `text` without encoding it (no allocation, no Node `Buffer`); a lone
 * surrogate counts as the 3 bytes of the U+FFFD that replaces it on the wire.
 */
export function utf8ByteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) {
      bytes += 1;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // two units, four bytes
        i++;
      } else {
        bytes += 2;
      }
    } else {
      bytes += 2;
    }
  }
  return bytes;
}
