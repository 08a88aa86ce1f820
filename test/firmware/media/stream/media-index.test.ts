import { describe, expect, it } from 'vitest';
import * as media from '../../../../firmware/media/index.js';

describe('firmware/media public surface', () => {
  it('re-exports every folder of the media core', () => {
    for (const name of [
      'encodeMuLaw',
      'createDefaultCodecRegistry',
      'RtpPacket',
      'RtcpSession',
      'JitterBuffer',
      'PacketLossConcealer',
      'ComfortNoiseGenerator',
      'CallStatistics',
      'readPcap',
      'replayCapture',
      'ToneGenerator',
      'callProgressTone',
      'DtmfSender',
      'DtmfReceiver',
      'DtmfDetector',
      'ConferenceMixer',
      'FrameScheduler',
      'MediaStream',
      'MediaEngine',
      'SAMPLE_RATE',
    ]) {
      expect(media, name).toHaveProperty(name);
    }
  });
});
