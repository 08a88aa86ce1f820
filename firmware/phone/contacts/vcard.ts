import { ContactsError, type Contact } from './contact.js';

/**
 * vCard 3.0/4.0 (RFC 6350) import and export of what a desk phone keeps: the
 * formatted name (FN, else N), telephone numbers with their TYPE, and a SIP URI
 * (IMPP:sip: or X-SIP). Lines are unfolded (§3.2) and values unescaped (§3.4).
 */
export function parseVCards(text: string, newId: () => string): Contact[] {
  const lines = unfold(text);
  const contacts: Contact[] = [];
  let current: { name?: string; n?: string; numbers: Contact['numbers'] } | undefined;
  let begunAt = 0;
  lines.forEach(({ line, number }) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    if (colon < 0) throw new ContactsError(`expected NAME:value, found "${line.slice(0, 40)}"`, number);
    const [rawName, ...params] = line.slice(0, colon).split(';');
    const name = rawName!.replace(/^item\d+\./i, '').toUpperCase();
    const value = line.slice(colon + 1);
    if (name === 'BEGIN' && value.toUpperCase() === 'VCARD') {
      if (current) throw new ContactsError('BEGIN:VCARD inside another vCard', number);
      current = { numbers: [] };
      begunAt = number;
      return;
    }
    if (!current) throw new ContactsError(`"${name}" outside BEGIN:VCARD … END:VCARD`, number);
    if (name === 'END') {
      const display = current.name ?? current.n;
      if (!display) throw new ContactsError('vCard without FN or N', begunAt);
      if (current.numbers.length > 0) contacts.push({ id: newId(), name: display, numbers: current.numbers });
      current = undefined;
      return;
    }
    if (name === 'FN') current.name = unescape(value);
    else if (name === 'N') {
      const [family = '', given = ''] = splitEscaped(value, ';').map(unescape);
      current.n = [given, family].filter(Boolean).join(' ');
    } else if (name === 'TEL') {
      current.numbers.push({ label: typeOf(params), value: unescape(value).replace(/^tel:/i, '') });
    } else if ((name === 'IMPP' && /^sips?:/i.test(value)) || name === 'X-SIP') {
      current.numbers.push({ label: 'sip', value: unescape(value) });
    }
  });
  if (current) throw new ContactsError('vCard not closed with END:VCARD', begunAt);
  return contacts;
}

export function formatVCards(contacts: readonly Contact[]): string {
  return contacts
    .map((c) => {
      const lines = ['BEGIN:VCARD', 'VERSION:3.0', `FN:${escape(c.name)}`, `N:${escape(c.name)};;;;`];
      for (const n of c.numbers) {
        lines.push(/^sips?:/i.test(n.value) ? `IMPP:${n.value}` : `TEL;TYPE=${n.label.toUpperCase()}:${escape(n.value)}`);
      }
      lines.push('END:VCARD');
      return lines.join('\r\n');
    })
    .join('\r\n')
    .concat('\r\n');
}

function unfold(text: string): Array<{ line: string; number: number }> {
  const out: Array<{ line: string; number: number }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && out.length > 0) out[out.length - 1]!.line += raw.slice(1);
    else out.push({ line: raw, number: i + 1 });
  });
  return out;
}

function typeOf(params: string[]): string {
  for (const p of params) {
    const [k, v] = p.split('=', 2);
    const types = (v ?? k ?? '').toLowerCase().split(',');
    if (v === undefined || k!.toUpperCase() === 'TYPE') {
      for (const t of ['work', 'home', 'cell', 'mobile', 'fax']) if (types.includes(t)) return t === 'cell' ? 'mobile' : t;
    }
  }
  return 'other';
}

function splitEscaped(value: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\' && i + 1 < value.length) {
      cur += value[i]! + value[i + 1]!;
      i++;
    } else if (value[i] === sep) {
      parts.push(cur);
      cur = '';
    } else cur += value[i];
  }
  parts.push(cur);
  return parts;
}

function unescape(v: string): string {
  return v.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

function escape(v: string): string {
  return v.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
}
