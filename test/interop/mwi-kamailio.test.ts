import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/clock/index.js';
import { startMwi, type MwiStatus } from '../../firmware/sip/mwi/index.js';
import type { RegistrationStatus } from '../../firmware/sip/registration/index.js';
import { SipStack } from '../../firmware/sip/ua/index.js';
import { missingPeers } from './support/peers.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { waitFor } from './support/processes.js';
import { runSipp } from './support/sipp.js';

// Issue 5 point 9 behind a real proxy: the phone registered to Kamailio subscribes to message-summary through
// it (answering Kamailio's 407 with the account's credentials), and a voice-mail server elsewhere pushes an
// unsolicited NOTIFY to alice@lab.test that Kamailio delivers to the registered phone.

const skip = missingPeers('kamailio', 'kamcmd', 'sipp');
const clock = new SystemClock();

describe.skipIf(skip !== undefined)(`message waiting through Kamailio (${skip ?? 'installed'})`, () => {
  let kamailio: Kamailio;
  let stack: SipStack | undefined;
  let stopMwi: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    kamailio = await startKamailio({ users: [{ user: 'alice', password: 'alice-pw' }] });
  });
  afterAll(async () => {
    await stopMwi?.();
    await stack?.stop().catch(() => {});
    await kamailio?.stop();
  });

  it('subscribes through the proxy with digest and takes the voice-mail server’s unsolicited NOTIFY', async () => {
    const account = { id: 'line1', user: 'alice', password: 'alice-pw', domain: kamailio.domain, outboundProxy: `127.0.0.1:${kamailio.ports.udp}`, expires: 300 };
    stack = await SipStack.create({ bindAddress: '127.0.0.1', ports: { udp: 0 }, transports: ['udp'], accounts: [account] }, { clock });
    const registration: RegistrationStatus[] = [];
    stack.onRegistration((e) => registration.push(e.status));
    stack.start();
    await waitFor('registered', () => (registration.at(-1)?.state === 'registered' ? true : undefined), { timeoutMs: 10_000 });

    const mwi = startMwi(stack, [account], { clock, backoff: { baseMs: 60_000, maxMs: 60_000 } });
    stopMwi = () => mwi.stop();
    const events: MwiStatus[] = [];
    mwi.onChange((e) => events.push(e));
    // This lab PBX has no message store: Kamailio challenges the SUBSCRIBE (407), lets the authorised one through
    // and routes it to alice's own registered contact, which does not take SUBSCRIBE. What matters here is that
    // the subscription got past the proxy's authentication.
    const settled = await waitFor(
      'subscription settled',
      () => {
        const s = mwi.client.subscription('line1');
        return s && s.state !== 'subscribing' ? s : undefined;
      },
      { timeoutMs: 10_000 },
    );
    // 405 comes from our own UA (it has no SUBSCRIBE handler): the request passed Kamailio's 407 and its routing.
    expect(settled, JSON.stringify(settled)).toMatchObject({ state: 'failed', status: 405 });

    const { code, output } = await runSipp({
      scenario: `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="voicemail pushes mwi">
<send><![CDATA[
NOTIFY sip:alice@${kamailio.domain} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:voicemail@vm.invalid>;tag=[pid]SIPpTag00[call_number]
To: <sip:alice@${kamailio.domain}>
Call-ID: [call_id]
CSeq: 1 NOTIFY
Max-Forwards: 70
Contact: <sip:voicemail@[local_ip]:[local_port]>
Event: message-summary
Content-Type: application/simple-message-summary
Content-Length: [len]

Messages-Waiting: yes
Message-Account: sip:alice@${kamailio.domain}
Voice-Message: 4/2 (1/0)
]]></send>
<recv response="200"/>
</scenario>
`,
      target: `127.0.0.1:${kamailio.ports.udp}`,
      calls: 1,
      timeoutMs: 15_000,
    });
    expect(code, output).toBe(0);
    expect(events).toContainEqual({
      accountId: 'line1',
      waiting: true,
      newVoice: 4,
      oldVoice: 2,
      urgentNew: 1,
      urgentOld: 0,
      messageAccount: `sip:alice@${kamailio.domain}`,
      source: 'unsolicited',
    });
  });
});
