import { DeskphoneError } from '../../errors.js';

export interface ContactNumber {
  /** work, home, mobile, other… */
  label: string;
  /** A number, an extension or a SIP URI. */
  value: string;
}

export interface Contact {
  id: string;
  name: string;
  numbers: ContactNumber[];
  /** Speed-dial slot 1–99, unique across contacts. */
  speedDial?: number;
}

export class ContactsError extends DeskphoneError {
  constructor(
    reason: string,
    readonly line?: number,
  ) {
    super('CONTACTS_INVALID', line === undefined ? reason : `line ${line}: ${reason}`);
  }
}

/**
 * The comparable form of a number or URI, so a caller's `sip:+4930123@pbx`
 * finds the contact saved as `+49 30 123`: the user part of a URI, without
 * visual separators.
 */
export function normaliseNumber(value: string): string {
  let v = value.trim();
  const uri = /^(?:sips?|tel):([^@;>]+)/i.exec(v);
  if (uri) v = uri[1]!;
  return v.replace(/[\s().\-/]/g, '').toLowerCase();
}
