import { describe, expect, it } from 'vitest';
import { parseMultipart } from '../../../../firmware/web/http/multipart.js';
import { WebError } from '../../../../firmware/web/web-error.js';

/** A multipart body as a browser's form would send it (encoded by fetch's own Request). */
async function encode(form: FormData): Promise<{ body: Buffer; type: string }> {
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: Buffer.from(await req.arrayBuffer()), type: req.headers.get('content-type') ?? '' };
}

describe('parseMultipart', () => {
  it('splits a contacts import form into its text fields and its file', async () => {
    const form = new FormData();
    form.set('_csrf', 'tok');
    form.set('format', 'csv');
    form.set('file', new Blob(['name,number\nAda,100\n']), 'book.csv');
    const { body, type } = await encode(form);
    const got = await parseMultipart(body, type);
    expect(got.fields).toEqual({ _csrf: 'tok', format: 'csv' });
    expect(got.files['file']?.name).toBe('book.csv');
    expect(got.files['file']?.data.toString()).toBe('name,number\nAda,100\n');
  });

  it('refuses a multipart type without a boundary with 400', async () => {
    await expect(parseMultipart(Buffer.from('x'), 'multipart/form-data')).rejects.toBeInstanceOf(WebError);
  });
});
