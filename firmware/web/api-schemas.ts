import * as z from 'zod';
import { KEY_NAMES, isKeyName } from '../../hal/index.js';

/**
 * Request bodies of the REST API. Keys are checked by hand rather than with
 * z.enum so an unknown key answers with the list of valid ones (issue 7 "Bad input").
 */
export const keyRequestSchema = z.strictObject({
  key: z.string().min(1).max(32),
  /** press: a tap; down/up: a held key; long: held past the long-press time; repeat: one auto-repeat while held. */
  action: z.enum(['press', 'down', 'up', 'long', 'repeat']).default('press'),
});

/** A sequence of named keys and digits, as if pressed in turn (`["1","2","ok"]` or `"201#"`). */
export const keySequenceSchema = z.strictObject({
  keys: z.union([z.string().min(1).max(64), z.array(z.string().min(1).max(32)).min(1).max(64)]),
});

export const hookRequestSchema = z.strictObject({
  // `toggle` is what the handset button means: the server, not a page that may not
  // have seen the last change yet, decides which way the handset goes.
  state: z.enum(['off-hook', 'on-hook', 'flash', 'toggle', 'off', 'on']),
});

/**
 * What can be dialled directly: a SIP URI, user@host, an IPv4 address or
 * [IPv6] reference with an optional port, or a number (digits * # +).
 */
const DIAL_TARGET = /^(?:sips?:[^\s<>"]+|[^\s@<>":]+@[A-Za-z0-9.[\]:-]+|\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?|[0-9*#+]{1,32})$/;

export const dialRequestSchema = z.strictObject({
  target: z.string().trim().min(1).max(256).regex(DIAL_TARGET, 'a SIP URI (sip:alice@example.com), an IP address (192.0.2.10 or [2001:db8::1]:5060) or a number'),
});

export const configPatchSchema = z.strictObject({
  path: z.union([z.string().min(1).max(200), z.array(z.union([z.string().min(1).max(64), z.number().int().min(0).max(999)])).min(1).max(8)]),
  value: z.unknown(),
});

export const loginRequestSchema = z.strictObject({
  user: z.string().max(64),
  password: z.string().max(256),
});

export const passwordChangeSchema = z.strictObject({
  current: z.string().max(256).optional(),
  password: z.string().min(8, 'at least 8 characters').max(256),
});

export function unknownKeys(keys: readonly string[]): string[] {
  return keys.filter((k) => !isKeyName(k));
}

export { KEY_NAMES };

/** POST /api/contacts/import: the file's text and its format (a vCard or CSV export from another phone or a PBX). */
export const contactsImportSchema = z.strictObject({
  format: z.enum(['vcard', 'csv']),
  text: z.string().min(1).max(60_000),
});

/** POST /api/contacts, PUT /api/contacts/{id}: one contact; its numbers and speed dial are checked as the contacts page checks them. */
export const contactBodySchema = z.strictObject({
  name: z.string().max(200),
  numbers: z.array(z.strictObject({ label: z.string().max(20).default('other'), value: z.string().max(256) })).max(8),
  speedDial: z.number().int().optional(),
});
