import type { IncomingMessage } from 'node:http';
import { WebError } from '../web-error.js';

/**
 * The raw body of a request, refused with 413 as soon as it passes `limit`
 * bytes while it streams in: a Content-Length is only a claim (and chunked
 * bodies have none), so the count is kept on the bytes actually received and
 * the rest of an oversized body is never buffered.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      // Stop reading: the socket's remaining bytes are dropped rather than held in memory.
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** The fields of an `application/x-www-form-urlencoded` body (HTML forms); a repeated name keeps its last value. */
export function parseUrlEncoded(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

function tooLarge(limit: number): WebError {
  return new WebError(413, 'TOO_LARGE', `request bodies are limited to ${limit} bytes`);
}
