import { normaliseNumber, type Contact, type ContactNumber } from '../phone/contacts/index.js';

/** The number labels the phone's menus and the vCard/CSV exports know. */
export const NUMBER_LABELS = ['work', 'home', 'mobile', 'other'] as const;

/** How many number rows the form offers: room for one more than the contact has, at least three. */
export function numberRows(contact: { numbers: readonly ContactNumber[] } | undefined): number {
  return Math.min(8, Math.max(3, (contact?.numbers.length ?? 0) + 1));
}

/** What can be dialled from a contact: a number with the usual separators, a SIP URI, or user@host. */
const NUMBER = /^(?:sips?:[^\s<>"]+|tel:[0-9+*#().\s\-/]+|[^\s@<>":]+@[A-Za-z0-9.[\]:-]+|[0-9+*#().\s\-/]{1,40})$/;

export type ContactFieldErrors = Partial<Record<string, string>>;

export type ContactFormResult = { ok: true; contact: Omit<Contact, 'id'> } | { ok: false; errors: ContactFieldErrors };

/**
 * The submitted contact form, checked field by field so each problem is shown
 * beside its field (the contact book checks the same rules again when it saves,
 * and stays the authority). `others` are the contacts it must not clash with.
 */
export function parseContactForm(form: Record<string, string | undefined>, others: readonly Contact[]): ContactFormResult {
  const errors: ContactFieldErrors = {};
  const name = (form['name'] ?? '').trim();
  if (name === '') errors['name'] = 'Enter a name.';
  else if (name.length > 64) errors['name'] = 'At most 64 characters.';

  const numbers: ContactNumber[] = [];
  for (let i = 0; i < 8; i++) {
    const value = (form[`number${i}`] ?? '').trim();
    if (value === '') continue;
    if (!NUMBER.test(value) || (!/[0-9]/.test(value) && !value.includes('@'))) {
      errors[`number${i}`] = 'Not a number or SIP address (e.g. +49 30 1234, 201, sip:bob@example.com).';
      continue;
    }
    const label = (form[`label${i}`] ?? 'other').trim().toLowerCase() || 'other';
    numbers.push({ label: label.slice(0, 20), value });
  }
  if (numbers.length === 0 && !Object.keys(errors).some((k) => k.startsWith('number'))) errors['number0'] = 'Enter at least one number.';

  const speedText = (form['speedDial'] ?? '').trim();
  let speedDial: number | undefined;
  if (speedText !== '') {
    const n = Number(speedText);
    if (!/^\d+$/.test(speedText) || n < 1 || n > 99) errors['speedDial'] = 'A speed dial is a number from 1 to 99.';
    else {
      const holder = others.find((c) => c.speedDial === n);
      if (holder) errors['speedDial'] = `Speed dial ${n} is already ${holder.name}.`;
      else speedDial = n;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, contact: { name, numbers, ...(speedDial !== undefined ? { speedDial } : {}) } };
}

/** The import's format: what the admin chose, else the file's name, else its first line. */
export function importFormat(chosen: string | undefined, fileName: string, text: string): 'vcard' | 'csv' {
  if (chosen === 'vcard' || chosen === 'csv') return chosen;
  if (/\.(vcf|vcard)$/i.test(fileName)) return 'vcard';
  if (/\.csv$/i.test(fileName)) return 'csv';
  return /^\uFEFF?\s*BEGIN:VCARD/i.test(text) ? 'vcard' : 'csv';
}

/** Contacts whose name contains the query (any case), or one of whose numbers contains it as digits. */
export function searchContacts(contacts: readonly Contact[], query: string): Contact[] {
  const text = query.toLocaleLowerCase();
  const digits = normaliseNumber(query);
  return contacts.filter((c) => c.name.toLocaleLowerCase().includes(text) || (digits !== '' && c.numbers.some((n) => normaliseNumber(n.value).includes(digits))));
}
