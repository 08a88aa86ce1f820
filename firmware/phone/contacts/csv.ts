import { ContactsError, type Contact } from './contact.js';

/**
 * Contacts as CSV (RFC 4180: quoted fields, "" for a quote, CRLF or LF), one
 * row per number: `name,label,number,speed_dial`. Rows with the same name are
 * one contact, as spreadsheets and PBX phone-book exports lay them out.
 */
export const CSV_HEADER = ['name', 'label', 'number', 'speed_dial'] as const;

export function parseContactsCsv(text: string, newId: () => string): Contact[] {
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const nameCol = col('name');
  const numberCol = col('number');
  if (nameCol < 0 || numberCol < 0) throw new ContactsError(`the first row must name the columns, with at least "name" and "number" (found: ${header.join(', ')})`, 1);
  const labelCol = col('label');
  const speedCol = col('speed_dial');
  const byName = new Map<string, Contact>();
  rows.slice(1).forEach((row, i) => {
    const line = i + 2;
    if (row.every((f) => f.trim() === '')) return;
    const name = row[nameCol]?.trim() ?? '';
    const number = row[numberCol]?.trim() ?? '';
    if (name === '') throw new ContactsError('empty name', line);
    if (number === '') throw new ContactsError(`no number for "${name}"`, line);
    let contact = byName.get(name);
    if (!contact) {
      contact = { id: newId(), name, numbers: [] };
      byName.set(name, contact);
    }
    contact.numbers.push({ label: (labelCol >= 0 ? row[labelCol]?.trim() : '') || 'other', value: number });
    const speed = speedCol >= 0 ? row[speedCol]?.trim() : '';
    if (speed) {
      const n = Number(speed);
      if (!Number.isInteger(n) || n < 1 || n > 99) throw new ContactsError(`speed_dial must be 1–99, found "${speed}"`, line);
      contact.speedDial = n;
    }
  });
  return [...byName.values()];
}

export function formatContactsCsv(contacts: readonly Contact[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const c of contacts) {
    c.numbers.forEach((n, i) => lines.push([c.name, n.label, n.value, i === 0 && c.speedDial ? String(c.speedDial) : ''].map(quote).join(',')));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new ContactsError('a quoted field is not closed', rows.length + 1);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
