import { CaptureError } from './capture-error.js';
import { decodeSnapshot, MIN_RING_BYTES, type CapturedPacket } from './capture-ring.js';
import { DatagramRecorder, type SipTraffic } from './datagram-recorder.js';
import { writePcap } from './pcap-writer.js';

export interface CaptureSettings {
  enabled: boolean;
  /** Memory for both rings together; the downloaded file is about this size at most. */
  maxBytes: number;
}

/** The media side: where the RTP/RTCP ring lives (the media worker) and how to reach it. */
export interface RtpCaptureSource {
  configureCapture(ringBytes: number | null, ownAddress?: string): Promise<void>;
  captureSnapshot(): Promise<Uint8Array>;
}

/**
 * How the memory is shared: SIP gets a quarter (at least one full-size
 * message), RTP the rest. SIP is a few kilobytes per call but explains
 * everything; RTP is 50 packets a second each way, so a quarter of 2 MB
 * still holds the signalling of many calls while RTP covers the last minute or so.
 */
export function ringSizes(maxBytes: number): { sip: number; rtp: number } {
  if (!Number.isInteger(maxBytes) || maxBytes < 2 * MIN_RING_BYTES) {
    throw new CaptureError('CAPTURE_SIZE', `capture.maxBytes must be at least ${2 * MIN_RING_BYTES} bytes, not ${maxBytes}`);
  }
  const sip = Math.max(MIN_RING_BYTES, Math.floor(maxBytes / 4 / 4) * 4);
  return { sip, rtp: maxBytes - sip };
}

/**
 * The phone's packet capture (issue 7 §6): SIP recorded on the main thread
 * from the transports' tap, RTP/RTCP in the media worker; a download asks the
 * worker for its snapshot and writes both, merged by time, as one pcap.
 */
export class PacketCapture {
  private readonly sipRecorder: DatagramRecorder;
  private settings: CaptureSettings = { enabled: false, maxBytes: 0 };

  constructor(
    nowMs: () => number,
    private readonly rtp: RtpCaptureSource | undefined,
    /** Recorded for sockets bound to 0.0.0.0 or :: (DatagramRecorder.setOwnAddress). */
    private readonly ownAddress?: string,
    /** The media worker could not give its packets (it failed): the file is written with SIP alone. */
    private readonly onRtpUnavailable?: (err: Error) => void,
  ) {
    this.sipRecorder = new DatagramRecorder(nowMs);
    this.sipRecorder.setOwnAddress(ownAddress);
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** The transports' tap (SipStackDeps.traffic): a copy of each SIP message sent or received. */
  readonly sipTap = (t: SipTraffic): void => this.sipRecorder.sip(t);

  /** Applies capture.enabled and capture.maxBytes (at start and when the config changes). */
  async configure(settings: CaptureSettings): Promise<void> {
    const sizes = settings.enabled ? ringSizes(settings.maxBytes) : undefined;
    this.settings = { ...settings };
    this.sipRecorder.configure(sizes ? sizes.sip : null);
    await this.rtp?.configureCapture(sizes ? sizes.rtp : null, this.ownAddress);
  }

  /** The recent traffic as a libpcap file. Throws CaptureError CAPTURE_OFF when capture is switched off. */
  async pcap(): Promise<Uint8Array> {
    if (!this.settings.enabled) throw new CaptureError('CAPTURE_OFF', 'packet capture is off (set capture.enabled: true)');
    const sip = decodeSnapshot(this.sipRecorder.snapshot());
    let rtp: CapturedPacket[] = [];
    try {
      if (this.rtp) rtp = decodeSnapshot(await this.rtp.captureSnapshot());
    } catch (err) {
      // The SIP is what explains a failed call; a dead media worker must not cost the engineer that too.
      this.onRtpUnavailable?.(err as Error);
    }
    return writePcap([...sip, ...rtp]);
  }
}
