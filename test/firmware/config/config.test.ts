import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText, validateConfig } from '../../../firmware/config/index.js';

function errorsOf(yaml: string): ConfigError {
  try {
    parseConfigText(yaml, 'phone.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

describe('configuration file', () => {
  it('fills every default, so an empty file is a phone in direct-IP mode', () => {
    const { config } = parseConfigText('');
    expect(config.accounts).toEqual([]);
    expect(config.board).toBe('sim');
    expect(config.sip.timers).toEqual({ t1: 500, t2: 4000, t4: 5000 });
    expect(config.audio.codecs).toEqual(['PCMU', 'PCMA', 'telephone-event']);
    expect(config.audio.ptime).toBe(20);
  });

  it('reads a complete account', () => {
    const { config } = parseConfigText(`
accounts:
  - displayName: Front desk
    user: "201"
    authUser: a201
    password: s3cret
    domain: pbx.example.com
    registrar: pbx.example.com:5060
    outboundProxy: "[2001:db8::1]:5080"
    transport: tls
    registerExpires: 600
`);
    expect(config.accounts[0]).toMatchObject({ user: '201', authUser: 'a201', transport: 'tls', registerExpires: 600, enabled: true });
  });

  it('takes a fixed advertised address and the NAT choices, and says what an address must be', () => {
    const { config } = parseConfigText('sip:\n  advertisedAddress: 203.0.113.7\n  nat:\n    publicAddressInSdp: true\n');
    expect(config.sip.advertisedAddress).toBe('203.0.113.7');
    expect(config.sip.nat).toEqual({ rewriteContact: true, publicAddressInSdp: true });
    expect(parseConfigText('').config.sip.nat).toEqual({ rewriteContact: true, publicAddressInSdp: false });
    expect(errorsOf('sip:\n  advertisedAddress: 300.1.2.3\n').issues).toEqual([
      { path: 'sip.advertisedAddress', line: 2, message: 'expected an IPv4 or IPv6 address, found "300.1.2.3"' },
    ]);
  });

  it('reports three mistakes as three errors, each with its key path and line', () => {
    const err = errorsOf(`board: sim
accounts:
  - user: alice
    domain: pbx.example.com
    pasword: secret
    transport: sctp
audio:
  ptime: 25
`);
    expect(err.issues).toEqual([
      { path: 'accounts[0].pasword', line: 5, message: 'unknown key; did you mean "password"?' },
      { path: 'accounts[0].transport', line: 6, message: 'expected one of "udp", "tcp", "tls", found "sctp"' },
      { path: 'audio.ptime', line: 8, message: 'expected one of 10, 20, 30, 40, 50, 60, found 25' },
    ]);
  });

  it('says what was expected and what was found for wrong types and ranges', () => {
    const err = errorsOf(`sip:\n  port: "5060"\n  timers:\n    t1: 5\naudio:\n  volumes:\n    handset: 150\n`);
    expect(err.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'sip.port: expected a number, found "5060"',
      'sip.timers.t1: expected a number ≥ 50, found 5',
      'audio.volumes.handset: expected a number ≤ 100, found 150',
    ]);
  });

  it('names a missing required key', () => {
    const err = errorsOf(`accounts:\n  - user: alice\n`);
    expect(err.issues).toEqual([{ path: 'accounts[0].domain', line: 2, message: 'required: expected a string, but the key is missing' }]);
  });

  it('lists the known keys when an unknown one is not a near miss', () => {
    const err = errorsOf(`toneRegion: us\nfrobnicate: 1\n`);
    expect(err.issues[0]!.message).toMatch(/^unknown key; known keys here: board, accounts, sip, audio/);
  });

  it('never prints a password, even a wrongly typed one', () => {
    const err = errorsOf(`admin:\n  password: 12345678\n`);
    expect(err.issues[0]).toMatchObject({ path: 'admin.password', message: 'expected a string, found a number (value hidden)' });
    expect(err.message).not.toContain('12345678');
  });

  it('rejects invalid YAML with the line of the problem', () => {
    const err = errorsOf(`board: sim\naccounts:\n  - user: [unclosed\n`);
    expect(err.issues[0]!.path).toBe('');
    expect(err.issues[0]!.message).toMatch(/^not valid YAML/);
    expect(err.issues[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('rejects a duplicated key rather than silently taking the last', () => {
    expect(errorsOf(`board: sim\nboard: rpi-deskphone\n`).issues[0]!.message).toMatch(/not valid YAML.*unique/i);
  });

  it('rejects a time zone that does not exist', () => {
    expect(() => validateConfig({ timeZone: 'Mars/Olympus' })).toThrow(/timeZone: expected an IANA time zone/);
  });

  it.skipIf(!existsSync('/usr/share/zoneinfo/UTC'))('suggests the zone meant by a misspelt one', () => {
    expect(() => validateConfig({ timeZone: 'Europe/Berlim' })).toThrow(/timeZone: expected an IANA time zone .*no such time zone "Europe\/Berlim"; did you mean "Europe\/Berlin"\?/);
  });
});

describe('dial plan settings', () => {
  it('rejects a digit map that does not parse, saying where', () => {
    expect(() => validateConfig({ dialPlan: { digitMap: '[2-9xxx' } })).toThrow(/dialPlan\.digitMap: expected a digit map .*unclosed "\["/);
  });

  it('rejects a rewrite rule that is not a regular expression', () => {
    expect(() => validateConfig({ dialPlan: { rewrite: [{ match: '(', replace: '' }] } })).toThrow(/dialPlan\.rewrite\[0\]\.match: expected a regular expression/);
  });
});

describe('tone regions', () => {
  it('every region the config accepts has a tone table in the media core', async () => {
    const { TONE_REGIONS } = await import('../../../firmware/config/index.js');
    const { regionTones } = await import('../../../firmware/media/index.js');
    for (const region of TONE_REGIONS) expect(() => regionTones(region), region).not.toThrow();
  });
});
