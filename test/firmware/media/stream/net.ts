import type { FakeClock } from '../../../support/fake-clock.js';
import type { RemoteEndpoint } from '../../../../firmware/media/rtp/index.js';
import type { DatagramSink } from '../../../../firmware/media/stream/index.js';

export interface Sent {
  at: number;
  to: RemoteEndpoint;
  bytes: Uint8Array;
}

/** An in-memory network on the fake clock: datagrams arrive `delayMs` later at whoever listens on `to`. */
export class Net {
  readonly log: Sent[] = [];
  private readonly listeners = new Map<string, (d: Uint8Array, from: RemoteEndpoint) => void>();
  constructor(
    readonly clock: FakeClock,
    readonly delayMs = 5,
  ) {}
  listen(at: RemoteEndpoint, fn: (d: Uint8Array, from: RemoteEndpoint) => void): void {
    this.listeners.set(`${at.address}:${at.port}`, fn);
  }
  sink(from: RemoteEndpoint): DatagramSink & { buffers: Set<Uint8Array> } {
    const buffers = new Set<Uint8Array>();
    return {
      buffers,
      send: (data, length, to) => {
        buffers.add(data);
        const bytes = data.slice(0, length); // the stream reuses its buffer
        this.log.push({ at: this.clock.now(), to: { ...to }, bytes });
        this.clock.setTimeout(() => this.listeners.get(`${to.address}:${to.port}`)?.(bytes, from), this.delayMs);
      },
    };
  }
}

