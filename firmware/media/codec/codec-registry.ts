import { DeskphoneError } from '../../errors.js';
import type { CodecDescriptor } from './codec-descriptor.js';
import { PCMA } from './pcma.js';
import { PCMU } from './pcmu.js';
import { CN } from './comfort-noise.js';
import { TELEPHONE_EVENT } from './telephone-event.js';

export class CodecError extends DeskphoneError {
  readonly codec: string;
  constructor(codec: string, message: string) {
    super('MEDIA_CODEC', message);
    this.codec = codec;
  }
}

/**
 * The codecs the phone knows, in preference order. Names compare
 * case-insensitively, as SDP encoding names do (RFC 4566 §6, a=rtpmap).
 */
export class CodecRegistry {
  private readonly descriptors: CodecDescriptor[] = [];

  constructor(descriptors: readonly CodecDescriptor[] = []) {
    for (const d of descriptors) this.register(d);
  }

  register(descriptor: CodecDescriptor): void {
    if (this.byName(descriptor.name, descriptor.clockRate)) {
      throw new CodecError(descriptor.name, `codec ${descriptor.name}/${descriptor.clockRate} is already registered`);
    }
    this.descriptors.push(descriptor);
  }

  /** All codecs in registration order. */
  list(): readonly CodecDescriptor[] {
    return this.descriptors;
  }

  byName(name: string, clockRate?: number): CodecDescriptor | undefined {
    const lower = name.toLowerCase();
    return this.descriptors.find((d) => d.name.toLowerCase() === lower && (clockRate === undefined || d.clockRate === clockRate));
  }

  /** Looks up by the registry's own (static or preferred) payload type; negotiated dynamic types are mapped by the caller. */
  byPayloadType(payloadType: number): CodecDescriptor | undefined {
    return this.descriptors.find((d) => d.payloadType === payloadType);
  }

  /** Codecs named in `order` (e.g. from config), in that order; unknown names are an error an admin must fix. */
  ordered(order: readonly string[]): CodecDescriptor[] {
    return order.map((name) => {
      const d = this.byName(name);
      if (!d) throw new CodecError(name, `unknown codec "${name}" (known: ${this.descriptors.map((x) => x.name).join(', ')})`);
      return d;
    });
  }
}

/** The phone's built-in codecs: G.711 µ-law and A-law, comfort noise and DTMF events. */
export function createDefaultCodecRegistry(): CodecRegistry {
  return new CodecRegistry([PCMU, PCMA, CN, TELEPHONE_EVENT]);
}
