import { describe, expect, it } from 'vitest';
import { hashPassword, isPasswordHash, verifyPassword } from '../../../firmware/config/index.js';
import { parseKeyPath } from '../../../firmware/config/index.js';

const COST = { N: 1024, r: 8, p: 1 };

describe('admin password hashes', () => {
  it('are scrypt with their cost and a fresh salt, and verify only the right password', async () => {
    const a = await hashPassword('open sesame', COST);
    const b = await hashPassword('open sesame', COST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('open sesame', a)).toBe(true);
    expect(await verifyPassword('open sesame!', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('treat anything that is not a well-formed hash as a plain-text password', async () => {
    for (const text of ['scrypt$3$8$1$c2FsdHNhbHQ$AAAA', 'scrypt$1024$8$1$short$' + 'A'.repeat(43), 'hunter2']) {
      expect(isPasswordHash(text), text).toBe(false);
      expect(await verifyPassword(text, text)).toBe(true);
    }
  });

  it('match nothing when no password is stored', async () => {
    expect(await verifyPassword('', '')).toBe(false);
  });
});

describe('config key paths', () => {
  it('read dotted keys and list indexes', () => {
    expect(parseKeyPath('audio.volumes.handset')).toEqual(['audio', 'volumes', 'handset']);
    expect(parseKeyPath('accounts[1].user')).toEqual(['accounts', 1, 'user']);
    expect(parseKeyPath('dialPlan.rewrite[0].match')).toEqual(['dialPlan', 'rewrite', 0, 'match']);
  });

  it('refuse anything else', () => {
    for (const bad of ['', 'a..b', '[0]', 'a.[0]', 'a[0', 'a b', 'a.', 'a[1000]']) expect(() => parseKeyPath(bad), bad).toThrow(/not a config key path/);
  });
});
