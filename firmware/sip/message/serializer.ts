import { headerKey } from './headers.js';
import type { SipMessage } from './message.js';

/** The start line and header section as text (no body), Content-Length set to the body's length. */
export function serializeHead(message: SipMessage): string {
  let s =
    message.kind === 'request'
      ? `${message.method} ${message.uriString} ${message.version}\r\n`
      : `${message.version} ${message.status} ${message.reason}\r\n`;
  let wroteLength = false;
  for (const { name, value } of message.headers) {
    if (headerKey(name) === 'content-length') {
      // §18.3 / §20.14: the length is a fact about the body, written once
      if (wroteLength) continue;
      s += `${name}: ${message.body.length}\r\n`;
      wroteLength = true;
    } else {
      s += `${name}: ${value}\r\n`;
    }
  }
  // §20.14: required on streams; always written so the bytes work on any transport
  if (!wroteLength) s += `Content-Length: ${message.body.length}\r\n`;
  return s + '\r\n';
}

/**
 * The wire form of a message (RFC 3261 §7): start line, header fields in
 * order with their names as stored (compact forms stay compact), an empty
 * line and the body. Content-Length always matches the body.
 */
export function serializeMessage(message: SipMessage): Uint8Array {
  const head = serializeHead(message);
  if (message.body.length === 0) return Buffer.from(head, 'utf8');
  const headLength = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLength + message.body.length);
  out.write(head, 0, 'utf8');
  out.set(message.body, headLength);
  return out;
}
