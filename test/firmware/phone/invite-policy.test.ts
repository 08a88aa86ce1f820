import { describe, expect, it } from 'vitest';
import { InvitePolicy } from '../../../firmware/phone/invite-policy.js';

function policy(over: Partial<ConstructorParameters<typeof InvitePolicy>[0]> = {}) {
  const warnings: unknown[] = [];
  const p = new InvitePolicy({ acceptDirectCalls: false, hasAccount: true, log: { warn: (o) => warnings.push(o) }, ...over });
  p.setTrusted(['192.0.2.10', '2001:db8::10']);
  return { p, warnings };
}

describe('who may ring the phone', () => {
  it('with an account, only its proxy (IPv4, IPv6 and IPv4-mapped forms)', () => {
    const { p } = policy();
    expect(p.admit({ address: '192.0.2.10', port: 5060 })).toBe(true);
    expect(p.admit({ address: '::ffff:192.0.2.10', port: 5060 })).toBe(true);
    expect(p.admit({ address: '2001:DB8::10', port: 5060 })).toBe(true);
    expect(p.admit({ address: '198.51.100.7', port: 5060 })).toBe(false);
  });

  it('logs a refused source once, not once per packet', () => {
    const { p, warnings } = policy();
    for (let i = 0; i < 50; i++) p.admit({ address: '198.51.100.7', port: 5060 + i });
    p.admit({ address: '198.51.100.8', port: 5060 });
    expect(warnings).toHaveLength(2);
  });

  it('takes every call with no account (direct-IP mode) or when direct calls are allowed', () => {
    expect(policy({ hasAccount: false }).p.admit({ address: '198.51.100.7', port: 5060 })).toBe(true);
    expect(policy({ acceptDirectCalls: true }).p.admit({ address: '198.51.100.7', port: 5060 })).toBe(true);
  });
});
