import type { Clock } from '../clock/index.js';
import type { MediaStreamHandle, OpenStreamParams } from '../media/index.js';
import type { Call, CallAccount, CallEndReason, CallManager } from '../sip/session/index.js';
import { CallTransfer } from '../sip/refer/index.js';
import { autoAnswerDelay } from './auto-answer.js';
import { callerIdentity } from './caller-identity.js';
import type { NegotiatedMedia } from '../sip/sdp/index.js';
import type { DeviceAudio } from './device-audio.js';
import type { CallEvent } from './phone-events.js';
import type { CallMediaInfo } from './phone-call.js';
import type { CallControl, CallQualityReport, CallQualitySource } from './phone-ports.js';

/** What the calls need of the media engine: MediaEngine itself, or the lifecycle's engine that survives worker restarts. */
export interface CallMediaEngine {
  openStream(params: OpenStreamParams): Promise<CallMediaStream>;
  conference(a: CallMediaStream, b: CallMediaStream): Promise<void>;
  split(keep: CallMediaStream): Promise<void>;
}
export type CallMediaStream = Pick<MediaStreamHandle, 'on' | 'update' | 'sendDtmf' | 'stats' | 'close'>;

export interface SipCallControlDeps {
  manager: CallManager;
  engine: CallMediaEngine;
  audio: DeviceAudio;
  clock: Clock;
  /** The line outgoing calls use; undefined in direct-IP mode (then only URIs and addresses can be called). */
  account: () => CallAccount | undefined;
  /** Our address in SDP and for the RTP sockets. */
  mediaAddress: string;
  log: { debug(obj: object, msg?: string): void; info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** RTP/RTCP port range (even ports; RFC 3550 §11). */
  rtpPorts?: { min: number; max: number };
  /** Whether an address is the account's registrar/proxy, whose P-Asserted-Identity is believed (RFC 3325). */
  trustIdentityFrom?: (address: string) => boolean;
}

interface Leg {
  phoneId: string;
  /** The SIP call behind the phone's call; replaced when we are transferred (REFER) or replaced (RFC 3891). */
  call: Call;
  /** The call a REFER made us place; it takes the leg over when it is answered. */
  successor?: Call;
  rtpPort: number;
  stream?: Promise<CallMediaStream | undefined>;
  link?: ReturnType<DeviceAudio['createLink']>;
  answered: boolean;
  /** The codec SDP settled on (RFC 3264 §6), for the quality figures. */
  codec?: string;
}

/**
 * The phone's CallControl over SIP: each phone call id is one SIP Call (the
 * INVITE session usage) plus, once SDP is agreed, one media stream in the
 * media worker whose audio is the phone's device (DeviceAudio). Session events
 * become the phone's CallEvents, in words.
 */
export class SipCallControl implements CallControl, CallQualitySource {
  private readonly legs = new Map<string, Leg>();
  private readonly listeners = new Set<(e: CallEvent) => void>();
  private readonly usedPorts = new Set<number>();
  /** Ports handed to a call's SDP before the call was bound (an incoming INVITE's answer). */
  private readonly early = new Map<Call, number>();
  private nextIncoming = 1;
  private focus: string | undefined;

  private readonly transfers: CallTransfer;

  constructor(private readonly deps: SipCallControlDeps) {
    this.transfers = new CallTransfer(deps.manager, { clock: deps.clock, log: deps.log });
    // Being transferred (RFC 3515): the new call to the target takes over the phone's call once answered.
    this.transfers.on('referred', ({ call, newCall }) => {
      const leg = this.legOf(call);
      if (!leg) return;
      leg.successor = newCall;
      newCall.on('ended', () => {
        if (leg.successor === newCall) leg.successor = undefined;
      });
    });
    // An INVITE with Replaces (RFC 3891) took one of our calls over: the phone's call goes on with the new peer.
    this.transfers.on('replaced', ({ call, replaced }) => {
      const leg = this.legOf(replaced);
      if (leg) this.takeOver(leg, call);
    });
    deps.manager.onIncoming((call) => {
      const phoneId = `in-${this.nextIncoming++}`;
      this.bind(phoneId, call);
      const id = call.remoteIdentity;
      // The caller as the screen shows it: P-Asserted-Identity from our PBX, else From (RFC 3325 §9.1).
      const who = call.invite
        ? callerIdentity(call.invite, id, this.deps.trustIdentityFrom ?? (() => false))
        : { uri: id.uri.toString(), number: userPart(id.uri.toString()), ...(id.displayName ? { name: id.displayName } : {}) };
      const autoAnswerAfterS = call.invite ? autoAnswerDelay(call.invite.headers) : undefined;
      this.emit({
        type: 'incoming',
        callId: phoneId,
        remoteUri: who.uri,
        ...(who.name ? { remoteName: who.name } : {}),
        number: who.number,
        ...(autoAnswerAfterS !== undefined ? { autoAnswerAfterS } : {}),
      });
    });
  }

  /** The codec agreed for a call and its media stream's quality so far (the call screen's OK). */
  async callInfo(callId: string): Promise<CallMediaInfo | undefined> {
    const leg = this.legs.get(callId);
    const media = leg?.call.media;
    if (!leg || !media) return undefined;
    const q = await this.report(leg);
    return { codec: media.codec.name, ...(q && q.packetsReceived > 0 ? { quality: { lossPercent: q.lossPercent, jitterMs: q.jitterMs, mos: q.mos } } : {}) };
  }

  /** The RTP port for a call's SDP (CallManagerOptions.localMedia asks for it synchronously). */
  rtpPortFor(call: Call): number {
    for (const leg of this.legs.values()) if (leg.call === call) return leg.rtpPort;
    // An incoming call may ask before bind() has run: reserve one now, bind() takes it over.
    let port = this.early.get(call);
    if (port === undefined) {
      port = this.reserve();
      this.early.set(call, port);
    }
    return port;
  }

  place(callId: string, number: string, options: { emergency: boolean }): void {
    const account = this.deps.account();
    if (!account && !/[@.:]/.test(number)) {
      // Direct-IP mode: a bare number has no server to go to.
      queueMicrotask(() => this.emit({ type: 'ended', callId, reason: 'No account', cause: 'failed' }));
      return;
    }
    let call: Call;
    try {
      call = this.deps.manager.call(number, account ?? directLine(number));
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message, number }, 'calls: cannot place the call');
      queueMicrotask(() => this.emit({ type: 'ended', callId, reason: 'Call failed', cause: 'failed' }));
      return;
    }
    if (options.emergency) this.deps.log.info({ number }, 'calls: emergency call');
    this.bind(callId, call);
  }

  answer(callId: string): void {
    this.legs.get(callId)?.call.answer();
  }
  reject(callId: string, status: 486 | 480 | 603): void {
    this.legs.get(callId)?.call.reject(status);
  }
  hangup(callId: string): void {
    this.legs.get(callId)?.call.hangup();
  }
  hold(callId: string): void {
    this.legs.get(callId)?.call.hold();
    if (this.focus === callId) this.setFocus(undefined);
  }
  resume(callId: string): void {
    this.legs.get(callId)?.call.resume();
    this.setFocus(callId);
  }
  sendDtmf(callId: string, digit: string): void {
    const leg = this.legs.get(callId);
    if (!leg) return;
    // RFC 4733 when negotiated, else SIP INFO (issue 5 point 7).
    if (leg.call.media?.telephoneEventPayloadType !== undefined && leg.stream) void leg.stream.then((s) => s?.sendDtmf(digit));
    else leg.call.sendDtmfInfo(digit);
  }
  setMuted(muted: boolean): void {
    this.deps.audio.setMuted(muted);
  }
  transfer(callId: string, target: string): void {
    const leg = this.legs.get(callId);
    if (!leg) return;
    let t;
    try {
      t = this.transfers.blind(leg.call, target);
    } catch (err) {
      this.emit({ type: 'transfer-failed', callId, reason: (err as Error).message });
      return;
    }
    // Success hangs the call up (the usual 'ended'); a failure leaves it on hold and says why.
    t.on('done', (o) => {
      if (!o.succeeded) this.emit({ type: 'transfer-failed', callId, reason: o.words });
    });
  }

  transferAttended(callId: string, consultId: string): void {
    const leg = this.legs.get(callId);
    const consult = this.legs.get(consultId);
    if (!leg || !consult) return;
    let t;
    try {
      t = this.transfers.attended(leg.call, consult.call);
    } catch (err) {
      this.emit({ type: 'transfer-failed', callId, reason: (err as Error).message });
      return;
    }
    // Success: the target's INVITE with Replaces ends the consultation call, and the transfer hangs the other up.
    t.on('done', (o) => {
      if (!o.succeeded) this.emit({ type: 'transfer-failed', callId, reason: o.words });
    });
  }

  conference(a: string, b: string): void {
    const legA = this.legs.get(a);
    const legB = this.legs.get(b);
    if (!legA?.stream || !legB?.stream) return;
    // The bridge takes over A's audio port (the handset): keep A's link active.
    this.setFocus(a);
    void Promise.all([legA.stream, legB.stream]).then(([sa, sb]) => {
      if (sa && sb) return this.deps.engine.conference(sa, sb).catch((err: Error) => this.deps.log.warn({ err: err.message }, 'media: conference failed'));
      return undefined;
    });
  }
  split(keep: string): void {
    const leg = this.legs.get(keep);
    if (!leg?.stream) return;
    this.setFocus(keep);
    void leg.stream.then((s) => s && this.deps.engine.split(s).catch((err: Error) => this.deps.log.warn({ err: err.message }, 'media: split failed')));
  }
  onEvent(listener: (e: CallEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Each call's quality from its media stream's statistics (the worker computes
   * them; one message round trip per call). A call whose stream is not open yet,
   * or closes while asked, is left out rather than shown as zeros.
   */
  async quality(): Promise<CallQualityReport[]> {
    const legs = [...this.legs.values()].filter((l) => l.stream !== undefined);
    const reports = await Promise.all(legs.map((leg) => this.report(leg)));
    return reports.filter((r): r is CallQualityReport => r !== undefined);
  }

  private async report(leg: Leg): Promise<CallQualityReport | undefined> {
    const stream = await leg.stream;
    const stats = await stream?.stats().catch(() => undefined);
    if (!stats) return undefined;
    const q = stats.quality;
    return {
      callId: leg.phoneId,
      codec: leg.codec ?? 'unknown',
      packetsSent: stats.sent.packets,
      packetsReceived: q.packets,
      lost: q.lost,
      lossPercent: q.lossPercent,
      jitterMs: q.jitterMs,
      ...(q.rttMs !== undefined ? { rttMs: q.rttMs } : {}),
      playoutDelayMs: q.playoutDelayMs.mean,
      concealedMs: q.concealedMs,
      mos: q.mos,
    };
  }

  /** Hangs up everything and closes the streams (shutdown). */
  async close(): Promise<void> {
    for (const leg of this.legs.values()) leg.call.hangup();
    await Promise.all([...this.legs.values()].map((leg) => this.closeStream(leg)));
  }

  private bind(phoneId: string, call: Call): void {
    const rtpPort = this.early.get(call) ?? this.reserve();
    this.early.delete(call);
    const leg: Leg = { phoneId, call, rtpPort, answered: false };
    this.legs.set(phoneId, leg);
    this.listen(leg, call);
  }

  /** The phone-facing events of one SIP call, for as long as it is the call behind `leg`. */
  private listen(leg: Leg, call: Call): void {
    const phoneId = leg.phoneId;
    const current = () => leg.call === call;
    call.on('progress', (p) => current() && this.emit({ type: 'ringing', callId: phoneId, earlyMedia: p.earlyMedia }));
    call.on('state', ({ state }) => {
      if (!current() || state !== 'active' || leg.answered) return;
      leg.answered = true;
      this.setFocus(phoneId);
      this.emit({ type: 'answered', callId: phoneId });
    });
    call.on('media', (m) => current() && this.media(leg, m));
    call.on('hold', (h) => current() && this.emit({ type: 'remote-hold', callId: phoneId, held: h.remote }));
    call.on('dtmf', (d) => current() && this.dtmfReceived(phoneId, d.digit, 'info'));
    call.on('ended', (reason) => {
      if (!current()) return;
      // Transferred: the call the REFER placed is answered and ends this one; the phone's call goes on.
      if (leg.successor && leg.successor.state === 'active') return this.takeOver(leg, leg.successor);
      void this.closeStream(leg);
      this.legs.delete(phoneId);
      this.usedPorts.delete(leg.rtpPort);
      if (this.focus === phoneId) this.setFocus(undefined);
      this.emit({ type: 'ended', callId: phoneId, reason: reason.words, cause: causeOf(reason, leg.answered) });
    });
  }

  /** `next` replaces the SIP call behind the phone's call (transfer, Replaces): new media, new far end. */
  private takeOver(leg: Leg, next: Call): void {
    const old = leg.call;
    leg.call = next;
    leg.successor = undefined;
    // The new call's SDP named the port reserved for it: the stream moves there.
    const port = this.early.get(next);
    if (port !== undefined) {
      this.early.delete(next);
      this.usedPorts.delete(leg.rtpPort);
      leg.rtpPort = port;
    }
    void this.closeStream(leg).then(() => {
      if (next.media) this.media(leg, next.media);
    });
    this.listen(leg, next);
    const id = next.remoteIdentity;
    const uri = id.uri.toString();
    this.emit({ type: 'remote-changed', callId: leg.phoneId, remoteUri: uri, ...(id.displayName ? { remoteName: id.displayName } : {}), number: userPart(uri) });
    if (old.state !== 'ended') old.hangup();
  }

  private legOf(call: Call): Leg | undefined {
    for (const leg of this.legs.values()) if (leg.call === call) return leg;
    return undefined;
  }

  private media(leg: Leg, m: NegotiatedMedia): void {
    if (leg.stream) {
      // The stream may be closing under us (a Replaces takeover closes the old one while the new call's media
      // arrives; the new stream opens after the close): a failed update is logged, never an unhandled rejection.
      void leg.stream
        .then((s) => s?.update({ remote: { address: m.remoteAddress, port: m.remotePort }, direction: m.direction }))
        .catch((err: Error) => this.deps.log.debug({ call: leg.phoneId, err: err.message }, 'media: stream update skipped'));
      return;
    }
    leg.link = this.deps.audio.createLink();
    leg.codec = m.codec.name;
    leg.stream = this.deps.engine
      .openStream({
        localAddress: this.deps.mediaAddress,
        localPort: leg.rtpPort,
        remote: { address: m.remoteAddress, port: m.remotePort },
        codec: m.codec.name,
        payloadType: m.payloadType,
        ptimeMs: m.ptime,
        ...(m.telephoneEventPayloadType !== undefined ? { telephoneEventPayloadType: m.telephoneEventPayloadType } : {}),
        direction: m.direction,
        cname: `${leg.call.callId}@deskphone`,
        audio: leg.link.spec,
      })
      .then((stream) => {
        stream.on((e) => {
          if (e.type === 'error') this.deps.log.warn({ call: leg.phoneId, ...e }, 'media: stream error');
          if (e.type === 'dtmf' && e.phase === 'end' && e.digit !== undefined) this.dtmfReceived(leg.phoneId, e.digit, e.source);
        });
        if (this.focus === leg.phoneId) this.deps.audio.activate(leg.link?.link);
        return stream;
      })
      .catch((err: Error) => {
        this.deps.log.warn({ call: leg.phoneId, err: err.message }, 'media: stream did not open');
        return undefined;
      });
  }

  /** Issue 5 point 7: received DTMF is reported (logged, and shown on the call screen). */
  private dtmfReceived(phoneId: string, digit: string, via: 'rfc4733' | 'info' | 'inband'): void {
    this.deps.log.info({ call: phoneId, digit, via }, 'calls: DTMF received');
    this.emit({ type: 'dtmf-received', callId: phoneId, digit, via });
  }

  private setFocus(phoneId: string | undefined): void {
    this.focus = phoneId;
    const leg = phoneId === undefined ? undefined : this.legs.get(phoneId);
    this.deps.audio.activate(leg?.link?.link);
  }

  private async closeStream(leg: Leg): Promise<void> {
    const stream = await leg.stream;
    leg.stream = undefined;
    if (this.deps.audio && leg.link && this.focus === leg.phoneId) this.deps.audio.activate(undefined);
    await stream?.close().catch(() => undefined);
  }

  private reserve(): number {
    const { min, max } = this.deps.rtpPorts ?? { min: 16384, max: 32766 };
    for (let i = 0; i < 1000; i++) {
      const port = min + 2 * Math.floor(Math.random() * ((max - min) / 2));
      if (!this.usedPorts.has(port)) {
        this.usedPorts.add(port);
        return port;
      }
    }
    throw new Error('no free RTP port in the configured range');
  }

  private emit(e: CallEvent): void {
    for (const l of [...this.listeners]) l(e);
  }
}

function causeOf(reason: CallEndReason, answered: boolean): 'local' | 'remote' | 'failed' | 'busy' | 'cancelled' {
  if (reason.kind === 'rejected') return reason.status === 486 || reason.status === 600 ? 'busy' : 'failed';
  if (reason.kind === 'failed') return 'failed';
  if (!answered) return 'cancelled';
  return reason.kind;
}

/** "sip:201@pbx;user=phone" → "201" (what the screen and the call log show for a caller). */
function userPart(uri: string): string {
  const m = /^sips?:([^@;>]+)@/i.exec(uri);
  return m ? decodeURIComponent(m[1]!) : uri.replace(/^sips?:/i, '');
}

/** Direct-IP calls (no account): the target's host is the domain. */
function directLine(target: string): CallAccount {
  const host = target.replace(/^sips?:/i, '').split('@').pop() ?? target;
  return { user: 'phone', domain: host };
}
