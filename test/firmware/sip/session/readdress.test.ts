import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { readdressCalls } from '../../../../firmware/sip/session/index.js';
import { ACCOUNT, PCMU, PEER, flush, harness, peerRequest, reply, sdpBody } from './harness.js';

// Issue 5 point 11: after the phone's address changed, a call in progress gets a re-INVITE naming the new
// address in SDP (c=, o=) and in Contact (a target refresh, RFC 3261 §12.2).

function setup() {
  const routes = new Map([[PEER.address, '192.168.1.10']]);
  const t = harness({
    bind: '0.0.0.0',
    probeSourceAddress: (d) => (routes.has(d) ? Promise.resolve(routes.get(d)!) : Promise.reject(new Error('ENETUNREACH'))),
    localMedia: (call) => ({ address: t.core.sourceAddressToward(call.signallingPeer ?? '') ?? '192.168.1.10', port: 40000, codecs: [PCMU] }),
  });
  const addressFor = (call: { signallingPeer: string | undefined }) => t.core.sourceAddressToward(call.signallingPeer ?? '');
  return { t, routes, addressFor };
}

describe('re-offering calls after an address change', () => {
  it('re-INVITEs an established call with the new c= and o= address, the same session id, version + 1, and the new Contact', async () => {
    const { t, routes, addressFor } = setup();
    const call = t.manager.call('sip:bob@127.0.0.1:5070', ACCOUNT);
    await flush();
    const invite = t.last('INVITE');
    expect(invite.contacts[0]!.uri.toString()).toBe('sip:alice@192.168.1.10:5062');
    const first = parse(invite.bodyText);
    expect(first.connection?.ip).toBe('192.168.1.10');
    t.receive(reply(invite, 200, { body: sdpBody() }));
    await flush();
    expect(call.state).toBe('active');

    routes.set(PEER.address, '192.168.1.20');
    await t.core.recheckSourceAddresses();
    const moved = readdressCalls(t.manager.calls, addressFor);
    expect(moved).toEqual([call]);
    await flush();
    const reinvite = t.last('INVITE');
    expect(reinvite.to.tag).toBe('bobtag');
    expect(reinvite.contacts[0]!.uri.toString()).toBe('sip:alice@192.168.1.20:5062');
    expect(reinvite.topVia.host).toBe('192.168.1.20');
    const offer = parse(reinvite.bodyText);
    expect(offer.connection?.ip).toBe('192.168.1.20');
    expect(offer.origin?.address).toBe('192.168.1.20');
    expect(offer.origin?.sessionId).toBe(first.origin?.sessionId);
    expect(Number(offer.origin?.sessionVersion)).toBe(Number(first.origin?.sessionVersion) + 1);
    t.receive(reply(reinvite, 200, { body: sdpBody({ version: 2 }) }));
    await flush();
    expect(t.newlySent().filter((m) => m === 'ACK').length).toBeGreaterThan(0);
    expect(call.state).toBe('active');
  });

  it('leaves calls alone whose address did not change, and calls still ringing', async () => {
    const { t, addressFor } = setup();
    const active = t.manager.call('sip:bob@127.0.0.1:5070', ACCOUNT);
    await flush();
    t.receive(reply(t.last('INVITE'), 200, { body: sdpBody() }));
    await flush();
    t.receive(peerRequest('INVITE', { callId: 'ringing-1', body: sdpBody() }));
    await flush();
    expect(t.incoming[0]!.state).toBe('ringing');
    const before = t.requests('INVITE').length;
    expect(readdressCalls(t.manager.calls, addressFor)).toEqual([]);
    await flush();
    expect(t.requests('INVITE').length).toBe(before);
    expect(active.state).toBe('active');
  });
});
