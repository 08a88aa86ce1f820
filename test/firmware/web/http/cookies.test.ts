import { describe, expect, it } from 'vitest';
import { deleteCookieHeader, getCookie, setCookieHeader } from '../../../../firmware/web/http/cookies.js';

describe('cookies', () => {
  it('reads one cookie among several, decoded', () => {
    expect(getCookie({ cookie: 'a=1; deskphone_session=ab%3Dc; b=2' }, 'deskphone_session')).toBe('ab=c');
    expect(getCookie({ cookie: 'a=1' }, 'deskphone_session')).toBeUndefined();
    expect(getCookie({}, 'deskphone_session')).toBeUndefined();
  });

  it('sets a session cookie HttpOnly, SameSite=Strict on the whole site', () => {
    expect(setCookieHeader('s', 'xyz', { httpOnly: true, sameSite: 'Strict', path: '/' })).toBe('s=xyz; Path=/; HttpOnly; SameSite=Strict');
  });

  it('deletes a cookie with an empty value and Max-Age=0 on the same path', () => {
    expect(deleteCookieHeader('s', { path: '/' })).toBe('s=; Max-Age=0; Path=/');
  });
});
