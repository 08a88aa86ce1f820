import { Readable } from 'node:stream';
import { DeskphoneError } from '../../errors.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { Routes } from '../http/routes.js';
import { guard } from './guard.js';

/** The packet capture as the web sees it (firmware/capture's PacketCapture in main.ts). */
export interface CaptureSource {
  /** The recent SIP and RTP/RTCP traffic as a libpcap file; throws a DeskphoneError CAPTURE_OFF when capture is off. */
  pcap(): Promise<Uint8Array>;
}

/**
 * GET /api/v1/capture.pcap (and /api/capture.pcap): the recent SIP and RTP
 * traffic for a support engineer's Wireshark (issue 7 §6), behind the same
 * login, Basic credentials or API token as the rest of the API. The file
 * carries SIP Authorization headers (digests, not passwords) and the call
 * audio itself, so it is never served without authentication.
 */
export function captureRoutes(ctx: WebContext): Routes {
  const routes = new Routes();
  routes.get('/capture.pcap', guard(ctx, { panel: false }), async (c) => {
    const source = ctx.capture;
    if (!source) throw new WebError(404, 'NO_CAPTURE', 'this phone was started without packet capture');
    let bytes: Uint8Array;
    try {
      bytes = await source.pcap();
    } catch (err) {
      if (err instanceof DeskphoneError && err.code === 'CAPTURE_OFF') throw new WebError(409, 'CAPTURE_OFF', err.message, { configKey: 'capture.enabled' });
      if (err instanceof DeskphoneError && err.code === 'PHONE_NOT_READY') throw new WebError(503, 'PHONE_NOT_READY', err.message);
      throw err;
    }
    ctx.log.info({ bytes: bytes.length }, 'packet capture downloaded');
    // Streamed in slices rather than copied whole: the capture ring can be a few MB.
    return c.send(Readable.from(slices(bytes)), 200, {
      // RFC 6838 registration for libpcap files; Wireshark and browsers know it.
      'content-type': 'application/vnd.tcpdump.pcap',
      'content-disposition': 'attachment; filename="deskphone-capture.pcap"',
      'content-length': String(bytes.length),
    });
  });
  return routes;
}

const SLICE_BYTES = 64 * 1024;

/** Views into the capture (no copies), a socket write's worth each. */
function* slices(bytes: Uint8Array): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) yield Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.min(SLICE_BYTES, bytes.length - at));
}
