import { afterEach, describe, expect, it } from 'vitest';
import { Glyph, KEY_NAMES, type KeyEvent } from '../../../hal/index.js';
import { errorOf, json, webFixture, type WebFixture } from './web-fixture.js';

let f: WebFixture;
afterEach(async () => f?.close());

function keyLog(fx: WebFixture): string[] {
  const seen: string[] = [];
  fx.panel.keypad.onKey((e: KeyEvent) => seen.push(`${e.type} ${e.key}`));
  return seen;
}

describe('POST /api/panel/key', () => {
  it('taps a key on the simulated keypad', async () => {
    f = await webFixture();
    const seen = keyLog(f);
    const res = await f.request('/api/panel/key', json({ key: '5' }));
    expect(res.status).toBe(200);
    expect(seen).toEqual(['down 5', 'up 5']);
  });

  it('holds and releases a key, reports a long press and auto-repeats', async () => {
    f = await webFixture();
    const seen = keyLog(f);
    await f.request('/api/panel/key', json({ key: 'down', action: 'down' }));
    await f.request('/api/panel/key', json({ key: 'down', action: 'repeat' }));
    expect(f.panel.keypad.held().has('down')).toBe(true);
    await f.request('/api/panel/key', json({ key: 'down', action: 'up' }));
    await f.request('/api/panel/key', json({ key: '1', action: 'long' }));
    expect(seen).toEqual(['down down', 'repeat down', 'up down', 'down 1', 'long-press 1', 'up 1']);
  });

  it('answers an unknown key with 400 and the list of valid keys', async () => {
    f = await webFixture();
    const seen = keyLog(f);
    const res = await f.request('/api/panel/key', json({ key: 'volume' }));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('UNKNOWN_KEY');
    expect(error['validKeys']).toEqual([...KEY_NAMES]);
    expect(seen).toEqual([]);
  });

  it('names the field that is wrong in a malformed request', async () => {
    f = await webFixture();
    const res = await f.request('/api/panel/key', json({ key: '5', action: 'smash' }));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^action: /);
    expect((await f.request('/api/panel/key', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"key":' })).status).toBe(400);
  });
});

describe('POST /api/v1/keys (remote control)', () => {
  it('presses a dial string and named keys in order', async () => {
    f = await webFixture();
    const seen = keyLog(f);
    expect((await f.request('/api/v1/keys', json({ keys: '201#' }))).status).toBe(200);
    expect((await f.request('/api/v1/keys', json({ keys: ['down', 'ok'] }))).status).toBe(200);
    expect(seen.filter((s) => s.startsWith('down ')).map((s) => s.slice(5))).toEqual(['2', '0', '1', '#', 'down', 'ok']);
  });

  it('presses nothing when one key of the sequence is unknown', async () => {
    f = await webFixture();
    const seen = keyLog(f);
    const res = await f.request('/api/v1/keys', json({ keys: ['1', '2', 'dial'] }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain('"dial"');
    expect(seen).toEqual([]);
  });
});

describe('POST /api/panel/hook', () => {
  it('lifts and hangs up the handset, and flashes the hook only off hook', async () => {
    f = await webFixture();
    const events: string[] = [];
    f.panel.hook.onHook((e) => events.push(e.type));
    expect((await errorOf(await f.request('/api/panel/hook', json({ state: 'flash' })))).code).toBe('ON_HOOK');
    const lifted = await f.request('/api/panel/hook', json({ state: 'off-hook' }));
    expect(await lifted.json()).toEqual({ ok: true, hook: 'off-hook' });
    await f.request('/api/v1/hook', json({ state: 'flash' }));
    await f.request('/api/v1/hook', json({ state: 'on' }));
    expect(events).toEqual(['off-hook', 'flash', 'on-hook']);
  });

  it('toggles the handset the way the phone sees it, not the way a page last saw it', async () => {
    f = await webFixture();
    expect(await (await f.request('/api/panel/hook', json({ state: 'toggle' }))).json()).toEqual({ ok: true, hook: 'off-hook' });
    expect(await (await f.request('/api/panel/hook', json({ state: 'toggle' }))).json()).toEqual({ ok: true, hook: 'on-hook' });
  });
});

describe('GET /api/panel', () => {
  it('shows the glass with its icons, the hook, lamps and ringer', async () => {
    f = await webFixture();
    await f.panel.display.writeLine(0, `${Glyph.registered} 201 Alice`);
    f.panel.leds['message']!.set('on');
    f.panel.ringer.ring();
    const state = (await (await f.request('/api/panel')).json()) as Record<string, unknown>;
    expect(state).toMatchObject({ rows: 4, columns: 20, hook: 'on-hook', backlight: true, ringer: { ringing: true } });
    expect((state['lines'] as string[])[0]).toBe(`${Glyph.registered} 201 Alice`.padEnd(20));
    expect((state['text'] as string[])[0]).toBe('✓ 201 Alice'.padEnd(20));
    expect(state['leds']).toContainEqual({ name: 'message', pattern: 'on', lit: true });
  });
});

describe('request size', () => {
  it('refuses a body over 64 KiB with 413, before acting on it', async () => {
    f = await webFixture();
    const seen = keyLog(f);
    const res = await f.request('/api/panel/key', json({ key: '5', padding: 'x'.repeat(70_000) }));
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('TOO_LARGE');
    expect(seen).toEqual([]);
  });
});
