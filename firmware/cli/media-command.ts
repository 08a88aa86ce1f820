import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { DeskphoneError } from '../errors.js';
import { encodeWav, replayCapture } from '../media/replay/index.js';

export interface MediaReplayOptions {
  capture: string;
  out: string;
  ssrc?: number;
}

export interface MediaCommandDeps {
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/**
 * `deskphone media replay CAPTURE.pcap [--ssrc N] --out audio.wav`: plays the
 * RTP stream of a capture through the phone's jitter buffer, decoder and
 * concealment, writes what the listener heard and prints the call's statistics
 * as one JSON object. Exit status 0 on success, 1 when the capture is unusable
 * (damaged, no RTP, unknown SSRC, codec we cannot decode).
 */
export async function runMediaReplay(options: MediaReplayOptions, deps: MediaCommandDeps = {}): Promise<number> {
  const out = deps.out ?? ((t: string) => void process.stdout.write(t));
  const err = deps.err ?? ((t: string) => void process.stderr.write(t));
  let bytes: Uint8Array;
  try {
    bytes = await readFile(options.capture);
  } catch (e) {
    err(`deskphone media replay: cannot read ${options.capture}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  try {
    const result = replayCapture(bytes, options.ssrc === undefined ? {} : { ssrc: options.ssrc });
    await writeFile(options.out, encodeWav(result.pcm, result.sampleRate));
    out(`${JSON.stringify(result.report)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof DeskphoneError) {
      err(`deskphone media replay: ${options.capture}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** Accepts an SSRC in decimal or 0x-hex, as Wireshark shows it. */
export function parseSsrc(text: string): number {
  const t = text.trim();
  const n = /^0x[0-9a-f]{1,8}$/i.test(t) ? parseInt(t.slice(2), 16) : /^\d{1,10}$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('expected an SSRC: a 32-bit number in decimal or 0x-hex');
  return n;
}

/** Adds `media replay` to the deskphone command line (the integrator calls this from program.ts). */
export function registerMediaCommand(program: Command, deps: MediaCommandDeps = {}): void {
  const media = program.command('media').description('media tools: replay captured RTP through the phone’s receive path');
  media
    .command('replay')
    .description('play the RTP stream of a pcap capture through the jitter buffer, decoder and loss concealment; write the audio and print statistics as JSON')
    .argument('<capture>', 'libpcap capture file (.pcap; Ethernet, Linux cooked or raw IP; UDP over IPv4/IPv6)')
    .requiredOption('-o, --out <file>', 'WAV file to write (16-bit mono)')
    .option('--ssrc <n>', 'the stream to replay (decimal or 0x-hex); default: the one with the most packets', parseSsrc)
    .action(async (capture: string, opts: { out: string; ssrc?: number }) => {
      process.exitCode = await runMediaReplay({ capture, out: opts.out, ...(opts.ssrc === undefined ? {} : { ssrc: opts.ssrc }) }, deps);
    });
}
