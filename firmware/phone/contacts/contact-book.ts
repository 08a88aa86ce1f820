import { randomUUID } from 'node:crypto';
import type { JsonStore } from '../../config/index.js';
import { ContactsError, normaliseNumber, type Contact } from './contact.js';
import { formatVCards, parseVCards } from './vcard.js';
import { formatContactsCsv, parseContactsCsv } from './csv.js';

interface ContactsFile {
  version: 1;
  contacts: Contact[];
}

export const CONTACTS_LIMIT = 1000;

/**
 * The phone's address book: names for caller display ("contacts win" over the
 * From display name), numbers to dial from the menu, speed-dial slots. Saved
 * through the atomic store after every change.
 */
export class ContactBook {
  private contacts: Contact[];
  private index = new Map<string, Contact>();

  private constructor(
    private readonly store: JsonStore<ContactsFile>,
    file: ContactsFile,
    private readonly newId: () => string,
  ) {
    this.contacts = Array.isArray(file.contacts) ? file.contacts.slice(0, CONTACTS_LIMIT) : [];
    this.reindex();
  }

  static async open(store: JsonStore<ContactsFile>, newId: () => string = randomUUID): Promise<ContactBook> {
    return new ContactBook(store, await store.load(), newId);
  }

  static emptyFile(): ContactsFile {
    return { version: 1, contacts: [] };
  }

  /** Sorted by name, as the menu lists them. */
  list(): readonly Contact[] {
    return [...this.contacts].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(id: string): Contact | undefined {
    return this.contacts.find((c) => c.id === id);
  }

  /** The contact a caller's number or URI belongs to. */
  findByNumber(numberOrUri: string): Contact | undefined {
    return this.index.get(normaliseNumber(numberOrUri));
  }

  speedDial(slot: number): Contact | undefined {
    return this.contacts.find((c) => c.speedDial === slot);
  }

  async add(contact: Omit<Contact, 'id'>): Promise<Contact> {
    const created = { ...contact, id: this.newId() };
    this.check([...this.contacts, created]);
    this.contacts.push(created);
    await this.changed();
    return created;
  }

  async update(contact: Contact): Promise<void> {
    const next = this.contacts.map((c) => (c.id === contact.id ? contact : c));
    if (!this.contacts.some((c) => c.id === contact.id)) throw new ContactsError(`no contact with id ${contact.id}`);
    this.check(next);
    this.contacts = next;
    await this.changed();
  }

  async remove(id: string): Promise<void> {
    this.contacts = this.contacts.filter((c) => c.id !== id);
    await this.changed();
  }

  /** Adds the contacts of a vCard or CSV file; nothing is added if any of it is invalid. */
  async import(text: string, format: 'vcard' | 'csv'): Promise<number> {
    const incoming = format === 'vcard' ? parseVCards(text, this.newId) : parseContactsCsv(text, this.newId);
    const next = [...this.contacts, ...incoming];
    this.check(next);
    this.contacts = next;
    await this.changed();
    return incoming.length;
  }

  export(format: 'vcard' | 'csv'): string {
    return format === 'vcard' ? formatVCards(this.list()) : formatContactsCsv(this.list());
  }

  private check(contacts: Contact[]): void {
    if (contacts.length > CONTACTS_LIMIT) throw new ContactsError(`at most ${CONTACTS_LIMIT} contacts`);
    const slots = new Map<number, string>();
    for (const c of contacts) {
      if (c.name.trim() === '') throw new ContactsError('a contact needs a name');
      if (c.numbers.length === 0) throw new ContactsError(`"${c.name}" has no number`);
      if (c.speedDial === undefined) continue;
      if (!Number.isInteger(c.speedDial) || c.speedDial < 1 || c.speedDial > 99) throw new ContactsError(`speed dial of "${c.name}" must be 1–99`);
      const holder = slots.get(c.speedDial);
      if (holder !== undefined) throw new ContactsError(`speed dial ${c.speedDial} is already "${holder}"`);
      slots.set(c.speedDial, c.name);
    }
  }

  private reindex(): void {
    this.index = new Map();
    for (const c of this.contacts) for (const n of c.numbers) this.index.set(normaliseNumber(n.value), c);
  }

  private async changed(): Promise<void> {
    this.reindex();
    await this.store.save({ version: 1, contacts: this.contacts });
  }
}
