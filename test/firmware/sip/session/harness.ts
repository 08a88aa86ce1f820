import { FakeClock } from '../../../support/fake-clock.js';
import { parseMessage, type SipMessage, type SipRequest, type SipResponse } from '../../../../firmware/sip/message/index.js';
import { UserAgentCore, type SourceProbe } from '../../../../firmware/sip/ua/index.js';
import type { HostPort, SendOptions, Transport, TransportProtocol } from '../../../../firmware/sip/transport/index.js';
import { CallManager, type Call, type CallAccount, type CallManagerOptions } from '../../../../firmware/sip/session/index.js';
import type { SdpCodec } from '../../../../firmware/sip/sdp/index.js';

const enc = new TextEncoder();
export const flush = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
};

export const PCMU: SdpCodec = { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 };
export const PCMA: SdpCodec = { name: 'PCMA', payloadType: 8, clockRate: 8000, channels: 1 };
export const TE: SdpCodec = { name: 'telephone-event', kind: 'telephone-event', payloadType: 101, clockRate: 8000, channels: 1, fmtp: '0-15' };

class FakeTransport implements Transport {
  readonly reliable = false;
  readonly protocol: TransportProtocol = 'UDP';
  readonly sent: Array<{ message: SipMessage; to: HostPort; at: number }> = [];
  constructor(
    readonly local: HostPort,
    private readonly clock: FakeClock,
  ) {}
  send(data: Uint8Array, to: HostPort, _options?: SendOptions) {
    this.sent.push({ message: parseMessage(data), to, at: this.clock.now() });
    return Promise.resolve({ local: this.local });
  }
  sendKeepAlive() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

export const PEER: HostPort = { address: '127.0.0.1', port: 5070 };
export const ACCOUNT: CallAccount = { user: 'alice', domain: 'lab.test', password: 'secret' };

/** A UA core on a fake UDP transport and a FakeClock with a CallManager on top; the test plays the far end. */
export function harness(
  options: Partial<CallManagerOptions> & { codecs?: SdpCodec[]; random?: () => number; listen?: boolean; bind?: string; probeSourceAddress?: SourceProbe } = {},
) {
  const clock = new FakeClock();
  const udp = new FakeTransport({ address: options.bind ?? '127.0.0.1', port: 5062 }, clock);
  const core = new UserAgentCore({
    clock,
    transports: [udp],
    probeSourceAddress: options.probeSourceAddress,
    locate: () => Promise.resolve([{ protocol: 'UDP' as const, address: PEER.address, port: PEER.port, serverName: 'lab.test' }]),
    supported: ['100rel', 'timer', 'replaces'],
  });
  const manager = new CallManager(core, { clock, random: options.random ?? (() => 0.5) }, {
    localMedia: () => ({ address: '192.0.2.10', port: 40000, codecs: options.codecs ?? [PCMU, PCMA, TE] }),
    ...options,
  });
  const incoming: Call[] = [];
  if (options.listen !== false) manager.onIncoming((call) => incoming.push(call));
  let mark = 0;
  const t = {
    clock,
    core,
    manager,
    udp,
    incoming,
    receive(text: string) {
      core.receive({ data: enc.encode(text), protocol: 'UDP', remote: PEER, local: udp.local });
    },
    all: () => udp.sent.map((s) => s.message),
    requests: (method?: string) =>
      udp.sent.map((s) => s.message).filter((m): m is SipRequest => m.kind === 'request' && (method === undefined || m.method === method)),
    responses: (status?: number) =>
      udp.sent.map((s) => s.message).filter((m): m is SipResponse => m.kind === 'response' && (status === undefined || m.status === status)),
    last(method: string): SipRequest {
      const list = t.requests(method);
      const r = list[list.length - 1];
      if (!r) throw new Error(`no ${method} sent; sent: ${t.summary().join(', ')}`);
      return r;
    },
    /** What went out since the last call to `newlySent` ("INVITE", "200 INVITE"…). */
    newlySent(): string[] {
      const out = udp.sent.slice(mark).map(({ message: m }) => (m.kind === 'request' ? m.method : `${m.status} ${m.cseq.method}`));
      mark = udp.sent.length;
      return out;
    },
    summary: () => udp.sent.map(({ message: m }) => (m.kind === 'request' ? m.method : `${m.status} ${m.cseq.method}`)),
    sentAt: (method: string) => udp.sent.filter((s) => s.message.kind === 'request' && s.message.method === method).map((s) => s.at),
  };
  return t;
}

export type Harness = ReturnType<typeof harness>;

export const sdpBody = (opts: { port?: number; codecs?: string; direction?: string; address?: string; version?: number } = {}) =>
  [
    'v=0',
    `o=peer 99 ${opts.version ?? 1} IN IP4 ${opts.address ?? '198.51.100.7'}`,
    's=-',
    `c=IN IP4 ${opts.address ?? '198.51.100.7'}`,
    't=0 0',
    `m=audio ${opts.port ?? 7000} RTP/AVP ${opts.codecs ?? '0 101'}`,
    'a=rtpmap:101 telephone-event/8000',
    `a=${opts.direction ?? 'sendrecv'}`,
    '',
  ].join('\r\n');

/** The far end's response to a request we sent. */
export function reply(
  request: SipRequest,
  status: number,
  opts: { toTag?: string; body?: string; headers?: string[]; contact?: string | null; reason?: string } = {},
): string {
  const to = request.headers.get('to')!;
  const tagged = request.to.tag || status === 100 ? to : `${to};tag=${opts.toTag ?? 'bobtag'}`;
  const body = opts.body ?? '';
  const lines = [
    `SIP/2.0 ${status} ${opts.reason ?? 'Whatever'}`,
    ...request.headers.getAll('via').map((v) => `Via: ${v}`),
    `From: ${request.headers.get('from')}`,
    `To: ${tagged}`,
    `Call-ID: ${request.callId}`,
    `CSeq: ${request.cseq.seq} ${request.cseq.method}`,
    ...(opts.contact === null || status === 100 ? [] : [`Contact: ${opts.contact ?? '<sip:bob@127.0.0.1:5070>'}`]),
    ...(opts.headers ?? []),
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

let branchSeq = 0;

/** A request from the far end: an initial INVITE (no To tag) or one inside the dialog with `call`'s tags. */
export function peerRequest(
  method: string,
  opts: {
    callId?: string;
    cseq?: number;
    fromTag?: string;
    toTag?: string;
    body?: string;
    contentType?: string;
    headers?: string[];
    branch?: string;
    cseqMethod?: string;
  } = {},
): string {
  const branch = opts.branch ?? `z9hG4bKpeer${++branchSeq}`;
  const body = opts.body ?? '';
  const lines = [
    `${method} sip:alice@127.0.0.1:5062 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=${branch}`,
    'Max-Forwards: 70',
    `From: "Bob" <sip:bob@lab.test>;tag=${opts.fromTag ?? 'bobtag'}`,
    `To: <sip:alice@lab.test>${opts.toTag ? `;tag=${opts.toTag}` : ''}`,
    `Call-ID: ${opts.callId ?? 'peer-call-1'}`,
    `CSeq: ${opts.cseq ?? 1} ${opts.cseqMethod ?? method}`,
    'Contact: <sip:bob@127.0.0.1:5070>',
    ...(opts.headers ?? []),
    ...(body ? [`Content-Type: ${opts.contentType ?? 'application/sdp'}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

/** Records a call's events as short strings. */
export function record(call: Call): string[] {
  const log: string[] = [];
  call.on('state', (s) => log.push(`state ${s.state} ${s.words}`));
  call.on('progress', (p) => log.push(`progress ${p.status}${p.earlyMedia ? ' early-media' : ''}`));
  call.on('media', (m) => log.push(`media ${m.codec.name} ${m.remoteAddress}:${m.remotePort} ${m.direction}`));
  call.on('hold', (h) => log.push(`hold local=${h.local} remote=${h.remote}`));
  call.on('dtmf', (d) => log.push(`dtmf ${d.digit} ${d.durationMs}`));
  call.on('ended', (e) => log.push(`ended ${e.kind} ${e.words}`));
  return log;
}
