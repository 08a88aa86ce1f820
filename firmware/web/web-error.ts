import { DeskphoneError } from '../errors.js';

/**
 * A request the web server refuses, as data: the HTTP status, a stable code a
 * script can branch on, a message for people, and whatever context helps to
 * fix the request (the valid key names, the config issues per key path).
 * Every API error reaches the client as `{ error: { code, message, ...details } }`.
 */
export class WebError extends DeskphoneError {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503,
    code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }

  toJSON(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}
