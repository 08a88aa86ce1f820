import { describe, expect, it } from 'vitest';
import { LineDiscipline } from '../../../hal/serial/index.js';

const feed = (d: LineDiscipline, s: string) => d.feed(Buffer.from(s, 'utf8'));

describe('LineDiscipline', () => {
  it('ends a line on CR, LF or CR LF, without an empty line for the LF of a CR LF', () => {
    const d = new LineDiscipline();
    expect(feed(d, 'status\r\nreg\rcalls\n').lines).toEqual(['status', 'reg', 'calls']);
    expect(feed(d, '\n').lines).toEqual(['']); // a lone LF after an LF is an empty line
  });

  it('keeps a CR LF split across two reads as one line end', () => {
    const d = new LineDiscipline();
    expect(feed(d, 'help\r').lines).toEqual(['help']);
    expect(feed(d, '\n').lines).toEqual([]);
  });

  it('echoes what is typed, and CR LF for Enter', () => {
    expect(feed(new LineDiscipline(), 'ok\r').echo).toBe('ok\r\n');
  });

  it('erases with Backspace or DEL, visibly, and not past the start of the line', () => {
    const d = new LineDiscipline();
    const out = feed(d, 'stx\x7f\x08atus\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7fcalls\r');
    expect(out.lines).toEqual(['calls']);
    expect(out.echo.startsWith('stx\b \b\b \batus')).toBe(true);
  });

  it('echoes nothing of a password, not even its length or erasures', () => {
    const d = new LineDiscipline();
    d.echoMode = 'off';
    const out = feed(d, 'se\x7fcret\r');
    expect(out).toEqual({ lines: ['scret'], echo: '\r\n', interrupted: false });
  });

  it('masks with * when asked to', () => {
    const d = new LineDiscipline();
    d.echoMode = 'mask';
    expect(feed(d, 'abc').echo).toBe('***');
  });

  it('swallows arrow keys and other escape sequences', () => {
    const d = new LineDiscipline();
    expect(feed(d, 're\x1b[Ag\x1b[1;5D\r').lines).toEqual(['reg']);
  });

  it('abandons the line on Ctrl-C and erases it on Ctrl-U', () => {
    const d = new LineDiscipline();
    const c = feed(d, 'reboo\x03');
    expect(c).toMatchObject({ lines: [], interrupted: true, echo: 'reboo^C\r\n' });
    expect(feed(d, 'xyz\x15reg\r').lines).toEqual(['reg']);
  });

  it('decodes UTF-8 split across reads', () => {
    const d = new LineDiscipline();
    const bytes = Buffer.from('café\r', 'utf8');
    expect(d.feed(bytes.subarray(0, 4)).lines).toEqual([]);
    expect(d.feed(bytes.subarray(4)).lines).toEqual(['café']);
  });

  it('rings the bell instead of growing a line past its limit', () => {
    const d = new LineDiscipline(5);
    const out = feed(d, 'abcdefg\r');
    expect(out.lines).toEqual(['abcde']);
    expect(out.echo).toBe('abcde\x07\x07\r\n');
  });
});
