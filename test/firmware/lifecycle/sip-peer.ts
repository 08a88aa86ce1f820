import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { SystemClock } from '../../../firmware/clock/index.js';
import { SipStack } from '../../../firmware/sip/index.js';
import { CallManager, type Call, type CallEndReason } from '../../../firmware/sip/session/index.js';
import type { SdpCodec } from '../../../firmware/sip/sdp/index.js';
import { createRequest } from '../../../firmware/sip/message/index.js';

const PCMU: SdpCodec = { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 };

/**
 * The far end of the lifecycle tests, in the test's own process: a registrar
 * that grants every REGISTER and a callee that answers every INVITE, with an
 * RTP socket that notes each packet's SSRC. It records what a PBX would see
 * of the phone: registrations, un-registrations, calls and BYEs, with times.
 */
export async function startSipPeer(options: { answerUnregister?: boolean } = {}) {
  const clock = new SystemClock();
  const rtp: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
  const rtpPort = (rtp.address() as AddressInfo).port;
  const packets: Array<{ ssrc: number; atMs: number }> = [];
  rtp.on('message', (m) => {
    if (m.length >= 12 && m[0]! >> 6 === 2 && (m[1]! & 0x7f) < 64) packets.push({ ssrc: m.readUInt32BE(8), atMs: Date.now() });
  });
  const stack = await SipStack.create({ bindAddress: '127.0.0.1', ports: { udp: 0 }, transports: ['udp'], accounts: [] }, { clock });
  const port = stack.localTransports[0]!.port;
  const registers: Array<{ expires: number; atMs: number }> = [];
  stack.setHandler('REGISTER', (incoming) => {
    const contacts = incoming.request.contacts;
    const expires = contacts[0]?.expires ?? incoming.request.expires ?? 3600;
    registers.push({ expires, atMs: Date.now() });
    // A registrar that has gone away by the time the phone shuts down: the un-REGISTER goes unanswered.
    if (expires === 0 && options.answerUnregister === false) return;
    // RFC 3261 §10.3 step 8: the 200 lists the bindings, each with its expires parameter.
    incoming.respond(200, { contact: expires === 0 ? [] : contacts });
  });
  // No voice-mail server here: MWI subscriptions are refused (the phone retries them later).
  stack.setHandler('SUBSCRIBE', (incoming) => incoming.respond(489));
  const manager = new CallManager(stack.core, { clock }, { localMedia: () => ({ address: '127.0.0.1', port: rtpPort, codecs: [PCMU], ptime: 20 }) });
  const calls: Array<{ call: Call; ended?: { reason: CallEndReason; atMs: number } }> = [];
  manager.onIncoming((call) => {
    const entry: (typeof calls)[number] = { call };
    calls.push(entry);
    call.on('ended', (reason) => (entry.ended = { reason, atMs: Date.now() }));
    call.answer();
  });
  return {
    port,
    rtpPort,
    registers,
    calls,
    packets,
    /**
     * A voice-mail server's unsolicited message-summary NOTIFY (RFC 3842 §3, as Asterisk sends it
     * without a subscription) to `user` at the phone; resolves with the phone's final status.
     */
    notifyVoicemail(phonePort: number, user: string, newVoice: number): Promise<number> {
      const request = createRequest({
        method: 'NOTIFY',
        uri: `sip:${user}@127.0.0.1:${phonePort}`,
        from: `<sip:voicemail@127.0.0.1:${port}>;tag=vm${Date.now()}`,
        to: `<sip:${user}@127.0.0.1>`,
        callId: `mwi-${Date.now()}-${Math.random().toString(36).slice(2)}@127.0.0.1`,
        cseq: 1,
        headers: [
          ['Event', 'message-summary'],
          ['Subscription-State', 'active'],
        ],
        contentType: 'application/simple-message-summary',
        body: `Messages-Waiting: ${newVoice > 0 ? 'yes' : 'no'}\r\nMessage-Account: sip:${user}@127.0.0.1\r\nVoice-Message: ${newVoice}/0 (0/0)\r\n`,
      });
      return new Promise((resolve) =>
        stack.core.sendRequest(request, {
          onResponse: (response) => {
            if (response.status >= 200) resolve(response.status);
          },
        }),
      );
    },
    /** SSRCs in the order they first appeared. */
    ssrcs: () => [...new Set(packets.map((p) => p.ssrc))],
    async stop() {
      await stack.stop(0);
      rtp.close();
    },
  };
}

export type SipPeer = Awaited<ReturnType<typeof startSipPeer>>;

/** Polls `check` until it returns something other than undefined/false (generous: the machine is shared). */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
