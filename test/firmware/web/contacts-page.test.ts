import { afterEach, describe, expect, it } from 'vitest';
import { phoneData, type PhoneData } from './phone-data.js';
import { webFixture, type WebFixture } from './web-fixture.js';

let f: WebFixture;
let data: PhoneData;
afterEach(async () => {
  await f?.close();
  await data?.close();
});

let session: { cookie: string; csrfToken: string };

async function setUp() {
  data = await phoneData();
  f = await webFixture({ withPassword: true, phone: data.phone });
  session = await f.login();
  await data.contacts.add({ name: 'Alice Archer', numbers: [{ label: 'work', value: '201' }], speedDial: 2 });
}

function post(path: string, fields: Record<string, string>): Promise<Response> {
  return f.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
    body: new URLSearchParams({ _csrf: session.csrfToken, ...fields }).toString(),
  });
}

function upload(fileName: string, text: string, format = 'auto', csrf = session.csrfToken): Promise<Response> {
  const body = new FormData();
  body.set('_csrf', csrf);
  body.set('format', format);
  body.set('file', new File([text], fileName, { type: 'application/octet-stream' }));
  return f.request('/admin/contacts/import', { method: 'POST', headers: { cookie: session.cookie }, body });
}

/** The text of the error shown beside a field (its aria-describedby target). */
function fieldError(page: string, id: string): string | undefined {
  if (!new RegExp(`id="${id}"[^>]*aria-invalid="true"`).test(page)) return undefined;
  return new RegExp(`<p class="field-error" id="${id}-error"[^>]*>([^<]*)</p>`).exec(page)?.[1];
}

const names = () => data.contacts.list().map((c) => c.name);

describe('contacts page', () => {
  it('lists the contacts with their numbers and speed dials', async () => {
    await setUp();
    const page = await (await f.request('/admin/contacts', { headers: { cookie: session.cookie } })).text();
    expect(page).toMatch(/<td>Alice Archer<\/td>\s*<td><span class="hint">work<\/span> 201<\/td>\s*<td>2<\/td>/);
    expect(page).toContain('href="/admin/contacts/c1"');
  });

  it('adds a contact with two numbers and a speed dial', async () => {
    await setUp();
    const res = await post('/admin/contacts', { name: ' Bob Baker ', label0: 'work', number0: '202', label1: 'mobile', number1: '+49 170 1234567', speedDial: '5' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/contacts?saved=Added%20Bob%20Baker.');
    expect(data.contacts.list()[1]).toEqual({ id: 'c2', name: 'Bob Baker', numbers: [{ label: 'work', value: '202' }, { label: 'mobile', value: '+49 170 1234567' }], speedDial: 5 });
  });

  it('shows each refusal beside its field, keeps what was typed, and saves nothing', async () => {
    await setUp();
    const res = await post('/admin/contacts', { name: '', number0: 'call me', number1: '', speedDial: '2' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(fieldError(page, 'c-name')).toBe('Enter a name.');
    expect(fieldError(page, 'c-number0')).toContain('Not a number or SIP address');
    expect(fieldError(page, 'c-speedDial')).toBe('Speed dial 2 is already Alice Archer.');
    expect(fieldError(page, 'c-number1')).toBeUndefined();
    expect(page).toContain('value="call me"');
    expect(names()).toEqual(['Alice Archer']);
  });

  it('asks for at least one number', async () => {
    await setUp();
    const page = await (await post('/admin/contacts', { name: 'Nobody' })).text();
    expect(fieldError(page, 'c-number0')).toBe('Enter at least one number.');
    expect(names()).toEqual(['Alice Archer']);
  });

  it('edits a contact, keeping its own speed dial', async () => {
    await setUp();
    const form = await (await f.request('/admin/contacts/c1', { headers: { cookie: session.cookie } })).text();
    expect(form).toContain('value="Alice Archer"');
    const res = await post('/admin/contacts/c1', { name: 'Alice Archer-Smith', label0: 'work', number0: '201', label1: 'home', number1: 'sip:alice@home.example', speedDial: '2' });
    expect(res.status).toBe(303);
    expect(data.contacts.get('c1')).toEqual({ id: 'c1', name: 'Alice Archer-Smith', numbers: [{ label: 'work', value: '201' }, { label: 'home', value: 'sip:alice@home.example' }], speedDial: 2 });
  });

  it('deletes a contact', async () => {
    await setUp();
    const res = await post('/admin/contacts/c1/delete', {});
    expect(res.status).toBe(303);
    expect(names()).toEqual([]);
  });

  it('refuses an edit without the CSRF token', async () => {
    await setUp();
    const res = await post('/admin/contacts/c1/delete', { _csrf: 'forged' });
    expect(res.status).toBe(403);
    expect(names()).toEqual(['Alice Archer']);
  });

  it('finds contacts by name or number, and pages a long book 50 at a time', async () => {
    await setUp();
    await data.contacts.import(['name,number', ...Array.from({ length: 120 }, (_, i) => `Person ${String(i).padStart(3, '0')},+49 30 ${5000 + i}`)].join('\n'), 'csv');
    const shown = async (query: string) => {
      const page = await (await f.request(`/admin/contacts${query}`, { headers: { cookie: session.cookie } })).text();
      return { names: [...page.matchAll(/<tr data-contact="[^"]+">\s*<td>([^<]*)<\/td>/g)].map((m) => m[1]), page };
    };
    const first = await shown('');
    expect(first.names).toHaveLength(50);
    expect(first.names[0]).toBe('Alice Archer');
    expect(first.page).toContain('Page 1 of 3 (121 contacts)');
    const last = await shown('?page=3');
    expect(last.names).toEqual(Array.from({ length: 21 }, (_, i) => `Person ${String(99 + i).padStart(3, '0')}`));
    expect(last.page).toContain('href="/admin/contacts?page=2"');
    expect((await shown('?q=alice')).names).toEqual(['Alice Archer']);
    // Digits match whatever separators the number was saved with.
    expect((await shown('?q=305117')).names).toEqual(['Person 117']);
    const none = await shown('?q=zebra');
    expect(none.names).toEqual([]);
    expect(none.page).toContain('No contact matches.');
  });

  it('answers 404 for a contact that does not exist', async () => {
    await setUp();
    expect((await f.request('/admin/contacts/nope', { headers: { cookie: session.cookie } })).status).toBe(404);
  });
});

describe('contacts import and export', () => {
  it('imports a CSV file through the contact book (format from the file name)', async () => {
    await setUp();
    const res = await upload('phonebook.csv', 'name,label,number,speed_dial\nCarol,work,203,7\nCarol,mobile,+4917012,\nDan,work,204,\n');
    expect(res.status).toBe(303);
    expect(decodeURIComponent(res.headers.get('location')!)).toBe('/admin/contacts?saved=Imported 2 contacts from phonebook.csv.');
    expect(names()).toEqual(['Alice Archer', 'Carol', 'Dan']);
    expect(data.contacts.speedDial(7)?.numbers).toEqual([{ label: 'work', value: '203' }, { label: 'mobile', value: '+4917012' }]);
  });

  it('imports a vCard file, recognised by its first line', async () => {
    await setUp();
    const res = await upload('export.txt', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Erin\r\nTEL;TYPE=work:205\r\nEND:VCARD\r\n');
    expect(res.status).toBe(303);
    expect(names()).toEqual(['Alice Archer', 'Erin']);
  });

  it('refuses a bad file with the line at fault beside the file field, and changes nothing', async () => {
    await setUp();
    const res = await upload('bad.csv', 'name,label,number,speed_dial\nCarol,work,203,\nDan,work,,\n');
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(fieldError(page, 'import-file')).toBe('Nothing was imported from bad.csv (CSV): line 3: no number for &quot;Dan&quot;');
    expect(names()).toEqual(['Alice Archer']);
  });

  it('refuses a speed dial that clashes with an existing contact, and changes nothing', async () => {
    await setUp();
    const res = await upload('clash.csv', 'name,number,speed_dial\nFrank,206,2\n');
    expect(res.status).toBe(400);
    expect(fieldError(await res.text(), 'import-file')).toContain('speed dial 2 is already &quot;Alice Archer&quot;');
    expect(names()).toEqual(['Alice Archer']);
  });

  it('refuses a file that is not text, or holds no contacts, or no file at all', async () => {
    await setUp();
    const notCsv = await upload('notes.csv', 'just some notes\n');
    expect(notCsv.status).toBe(400);
    expect(fieldError(await notCsv.text(), 'import-file')).toContain('line 1: the first row must name the columns');
    // A File built from a string is UTF-8 encoded: raw bytes that are not.
    const body = new FormData();
    body.set('_csrf', session.csrfToken);
    body.set('file', new File([new Uint8Array([0xff, 0xfe, 0x00, 0xc3])], 'photo.jpg'));
    const raw = await f.request('/admin/contacts/import', { method: 'POST', headers: { cookie: session.cookie }, body });
    expect(raw.status).toBe(400);
    expect(fieldError(await raw.text(), 'import-file')).toBe('Nothing was imported: photo.jpg is not UTF-8 text.');
    const empty = await upload('empty.csv', 'name,number\n');
    expect(fieldError(await empty.text(), 'import-file')).toBe('Nothing was imported: empty.csv holds no contacts (read as CSV).');
    const none = new FormData();
    none.set('_csrf', session.csrfToken);
    const missing = await f.request('/admin/contacts/import', { method: 'POST', headers: { cookie: session.cookie }, body: none });
    expect(fieldError(await missing.text(), 'import-file')).toBe('Choose a vCard (.vcf) or CSV file to import.');
    expect(names()).toEqual(['Alice Archer']);
  });

  it('refuses an import without the CSRF token', async () => {
    await setUp();
    expect((await upload('phonebook.csv', 'name,number\nGus,207\n', 'csv', 'forged')).status).toBe(403);
    expect(names()).toEqual(['Alice Archer']);
  });

  it('exports the contacts as a vCard download with the session cookie', async () => {
    await setUp();
    const res = await f.request('/api/v1/contacts?format=vcard', { headers: { cookie: session.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="contacts.vcf"');
    expect(await res.text()).toContain('FN:Alice Archer');
  });
});

describe('contacts in the REST API', () => {
  const send = (method: string, path: string, body: unknown) =>
    f.request(path, { method, headers: { 'content-type': 'application/json', ...f.basic() }, body: JSON.stringify(body) });

  it('adds, reads, changes and deletes one contact', async () => {
    await setUp();
    const created = await send('POST', '/api/v1/contacts', { name: 'Bob Baker', numbers: [{ label: 'work', value: '202' }], speedDial: 5 });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { contact: unknown }).contact).toEqual({ id: 'c2', name: 'Bob Baker', numbers: [{ label: 'work', value: '202' }], speedDial: 5 });
    const read = (await (await f.request('/api/v1/contacts/c2', { headers: f.basic() })).json()) as { contact: { name: string } };
    expect(read.contact.name).toBe('Bob Baker');
    expect((await send('PUT', '/api/v1/contacts/c2', { name: 'Bob Baker', numbers: [{ label: 'mobile', value: '+49 170 1' }] })).status).toBe(200);
    expect(data.contacts.get('c2')).toEqual({ id: 'c2', name: 'Bob Baker', numbers: [{ label: 'mobile', value: '+49 170 1' }] });
    expect((await f.request('/api/v1/contacts/c2', { method: 'DELETE', headers: f.basic() })).status).toBe(200);
    expect(names()).toEqual(['Alice Archer']);
    expect((await f.request('/api/v1/contacts/c2', { method: 'DELETE', headers: f.basic() })).status).toBe(404);
  });

  it('refuses a bad contact with each problem by its path, and saves nothing', async () => {
    await setUp();
    const res = await send('POST', '/api/v1/contacts', { name: '', numbers: [{ label: 'work', value: 'call me' }], speedDial: 2 });
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { code: string; issues: unknown } }).error;
    expect(error.code).toBe('BAD_CONTACT');
    expect(error.issues).toEqual([
      { path: 'name', message: 'Enter a name.' },
      { path: 'numbers.0.value', message: 'Not a number or SIP address (e.g. +49 30 1234, 201, sip:bob@example.com).' },
      { path: 'speedDial', message: 'Speed dial 2 is already Alice Archer.' },
    ]);
    expect(names()).toEqual(['Alice Archer']);
  });
});
