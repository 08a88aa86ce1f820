import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeers } from './support/peers.js';
import { startPhoneProcess, type PhoneProcess } from './support/phone.js';
import { runSipp } from './support/sipp.js';
import { pagingCall } from './support/scenarios.js';

// Issue 5 §10: a paging/intercom INVITE (Call-Info answer-after=0) is answered hands-free without ringing.

const skip = missingPeers('sipp');

describe.skipIf(skip !== undefined)(`intercom calls (${skip ?? 'sipp installed'})`, () => {
  let phone: PhoneProcess;
  beforeAll(async () => {
    phone = await startPhoneProcess({ config: 'phone:\n  autoAnswer: true\n' });
  });
  afterAll(async () => {
    await phone?.stop();
  });

  it('answers an INVITE with Call-Info answer-after=0 at once, hands-free', async () => {
    const r = await runSipp({ scenario: pagingCall(phone.sipPorts.udp!, { callInfo: 'Call-Info: <sip:127.0.0.1>;answer-after=0\n' }), target: `127.0.0.1:${phone.sipPorts.udp}`, calls: 1, args: ['-mp', '0'] });
    expect(r.code, r.output).toBe(0);
  });

  it('rings an ordinary INVITE (no 200 within 2 s)', async () => {
    const r = await runSipp({ scenario: pagingCall(phone.sipPorts.udp!), target: `127.0.0.1:${phone.sipPorts.udp}`, calls: 1, timeoutMs: 20_000 });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/timeout|Timeout/);
  });
});
