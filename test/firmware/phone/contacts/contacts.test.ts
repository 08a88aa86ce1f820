import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonStore } from '../../../../firmware/config/index.js';
import { ContactBook, ContactsError, parseContactsCsv, parseVCards } from '../../../../firmware/phone/contacts/index.js';

let dir: string;
let n = 0;
const newId = () => `id${++n}`;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-contacts-'));
  n = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const open = () => ContactBook.open(new JsonStore(join(dir, 'contacts.json'), ContactBook.emptyFile), newId);

const VCARDS = [
  'BEGIN:VCARD',
  'VERSION:4.0',
  'FN:Alice Example',
  'N:Example;Alice;;;',
  'TEL;TYPE=work,voice:+49 30 1234',
  'TEL;TYPE=cell:+49 171 5555',
  'IMPP:sip:alice@pbx.example.com',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Doe;John;;;',
  'TEL;TYPE=HOME:201',
  'NOTE:a very long note that was folded over',
  '  two lines',
  'END:VCARD',
  '',
].join('\r\n');

describe('contacts', () => {
  it('imports vCards, and finds the contact for a caller’s URI', async () => {
    const book = await open();
    expect(await book.import(VCARDS, 'vcard')).toBe(2);
    expect(book.list().map((c) => c.name)).toEqual(['Alice Example', 'John Doe']);
    expect(book.findByNumber('sip:+49301234@pbx.example.com;user=phone')?.name).toBe('Alice Example');
    expect(book.findByNumber('sip:201@192.0.2.1')?.name).toBe('John Doe');
    expect(book.findByNumber('sip:999@pbx')).toBeUndefined();
    expect(book.get('id1')?.numbers).toEqual([
      { label: 'work', value: '+49 30 1234' },
      { label: 'mobile', value: '+49 171 5555' },
      { label: 'sip', value: 'sip:alice@pbx.example.com' },
    ]);
  });

  it('round-trips through vCard and CSV export', async () => {
    const book = await open();
    await book.import(VCARDS, 'vcard');
    const first = book.list()[0]!;
    await book.update({ ...first, speedDial: 2, name: 'Alice, "Ops"' });
    for (const format of ['vcard', 'csv'] as const) {
      const again = format === 'vcard' ? parseVCards(book.export(format), newId) : parseContactsCsv(book.export(format), newId);
      expect(again.map((c) => [c.name, c.numbers])).toEqual(book.list().map((c) => [c.name, c.numbers]));
    }
    expect(parseContactsCsv(book.export('csv'), newId).find((c) => c.speedDial === 2)?.name).toBe('Alice, "Ops"');
  });

  it('imports a CSV with one row per number, grouped by name', async () => {
    const book = await open();
    await book.import('name,label,number,speed_dial\nReception,work,200,1\nReception,mobile,+4917100,\n"Smith, Ann",work,"201"\n', 'csv');
    expect(book.speedDial(1)?.numbers.map((x) => x.value)).toEqual(['200', '+4917100']);
    expect(book.findByNumber('201')?.name).toBe('Smith, Ann');
  });

  it('keeps speed-dial slots unique and rejects a bad import whole', async () => {
    const book = await open();
    await book.add({ name: 'Reception', numbers: [{ label: 'work', value: '200' }], speedDial: 1 });
    await expect(book.add({ name: 'Other', numbers: [{ label: 'work', value: '300' }], speedDial: 1 })).rejects.toThrow(/speed dial 1 is already "Reception"/);
    await expect(book.import('name,number\nGood,300\n,400\n', 'csv')).rejects.toThrow(/line 3: empty name/);
    expect(book.list()).toHaveLength(1);
  });

  it('says what is wrong with a broken vCard, with the line', () => {
    expect(() => parseVCards('BEGIN:VCARD\nFN:X\nTEL:1\n', newId)).toThrow(ContactsError);
    expect(() => parseVCards('BEGIN:VCARD\nFN:X\nTEL:1\n', newId)).toThrow(/line 1: vCard not closed/);
    expect(() => parseVCards('FN:X\n', newId)).toThrow(/line 1: "FN" outside BEGIN:VCARD/);
    expect(() => parseContactsCsv('who,what\n', newId)).toThrow(/at least "name" and "number"/);
  });

  it('persists across a restart', async () => {
    const book = await open();
    await book.add({ name: 'Reception', numbers: [{ label: 'work', value: '200' }] });
    expect((await open()).findByNumber('200')?.name).toBe('Reception');
  });
});
