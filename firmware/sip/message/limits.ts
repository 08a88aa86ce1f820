/**
 * Bounds on the work the parser does for any input (issue 3: "bounded work for
 * any input"). A desk phone never needs more; anything larger is hostile or
 * broken and is rejected before it costs memory or time.
 */

/** Largest message accepted, headers and body together. 64 KiB is the largest UDP payload (RFC 768) and far above anything a phone exchanges over TCP. */
export const MAX_MESSAGE_BYTES = 65_535;

/** Most header fields (after unfolding) in one message. */
export const MAX_HEADER_COUNT = 256;

/** Longest start line or header field (after unfolding), in characters. */
export const MAX_LINE_LENGTH = 8_192;

/** Most comma-separated values read from one header field name (Via, Route, Contact…). */
export const MAX_LIST_VALUES = 128;

/** Most parameters on one URI or header value. */
export const MAX_PARAMS = 64;

/** Largest Content-Length accepted: cannot exceed the message size. */
export const MAX_CONTENT_LENGTH = MAX_MESSAGE_BYTES;

/** RFC 3261 §8.1.1.5: the CSeq sequence number MUST be less than 2**31. */
export const MAX_CSEQ = 2 ** 31 - 1;
