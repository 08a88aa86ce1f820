import { readdir, writeFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort, startProcess, tempDir, waitFor, type PeerProcess } from './processes.js';

/**
 * baresip as the phone at the other end (LAB.md "baresip as the phone at the
 * other end"): headless, auto-answer, a WAV file as its microphone, every call's
 * received audio recorded by the sndfile module, controlled over ctrl_tcp.
 */
export interface BaresipOptions {
  /** SIP user; with `registrar` it registers as user@domain, otherwise it takes direct calls. */
  user: string;
  password?: string;
  domain?: string;
  /** `host:port` of the registrar/outbound proxy (e.g. Kamailio), when it should register. */
  registrar?: string;
  /** 8 kHz mono S16 WAV played as the microphone; its length is each call's length. */
  wav: string;
  answer?: 'auto' | 'manual';
  codecs?: string[];
  /** SIP and RTP on the IPv6 loopback [::1] (`-6`: IPv6 only); ctrl_tcp stays on 127.0.0.1. */
  ipv6?: boolean;
}

export interface BaresipEvent {
  type: string;
  class?: string;
  param?: string;
  peeruri?: string;
  [key: string]: unknown;
}

export interface Baresip {
  readonly sipPort: number;
  readonly uri: string;
  readonly dir: string;
  readonly peer: PeerProcess;
  command(command: string, params?: string): Promise<unknown>;
  dial(uri: string): Promise<unknown>;
  hangup(): Promise<unknown>;
  /** Resolves with the first event of `type` (CALL_ESTABLISHED, CALL_CLOSED, REGISTER_OK…) seen from now on or already seen. */
  waitForEvent(type: string, timeoutMs?: number): Promise<BaresipEvent>;
  events(): BaresipEvent[];
  /** WAV files the sndfile module wrote (one `-dec.wav` per call: what baresip heard). */
  recordings(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startBaresip(options: BaresipOptions): Promise<Baresip> {
  const tmp = await tempDir('baresip');
  const dir = tmp.path;
  // baresip also opens TLS on port+1: keep that free too (LAB.md).
  const sipPort = await freePort(2);
  const ctrlPort = await freePort();
  const codecs = options.codecs ?? ['PCMU', 'PCMA'];
  const host = options.ipv6 ? '::1' : '127.0.0.1';
  // RFC 3261 §25.1: an IPv6 address in a host:port is written in brackets.
  const hostRef = options.ipv6 ? '[::1]' : '127.0.0.1';
  await writeFile(
    join(dir, 'config'),
    [
      `poll_method epoll`,
      `sip_listen ${hostRef}:${sipPort}`,
      `sip_trans_def udp`,
      `net_interface ${host}`,
      `dns_server 127.0.0.1:53`,
      `audio_source aufile,${options.wav}`,
      `audio_player alsa,null`,
      `audio_alert alsa,null`,
      `audio_codecs ${codecs.join(',')}`,
      `ausrc_srate 8000`,
      `auplay_srate 8000`,
      `ausrc_channels 1`,
      `auplay_channels 1`,
      `rtp_ports 30000-39999`,
      `module_path /usr/lib/baresip/modules`,
      `module g711.so`,
      `module aufile.so`,
      `module alsa.so`,
      `module sndfile.so`,
      `snd_path ${dir}`,
      `module_app account.so`,
      `module_app menu.so`,
      `module_app ctrl_tcp.so`,
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      '',
    ].join('\n'),
  );
  const domain = options.domain ?? (options.registrar ? 'lab.test' : `${hostRef}:${sipPort}`);
  const params = [`answermode=${options.answer ?? 'auto'}`];
  if (options.registrar) {
    params.push(`auth_pass=${options.password ?? ''}`, `outbound="sip:${options.registrar};lr"`, 'regint=60');
  } else {
    params.push('regint=0');
  }
  await writeFile(join(dir, 'accounts'), `<sip:${options.user}@${domain}>;${params.join(';')}\n`);
  await writeFile(join(dir, 'contacts'), '');

  const peer = startProcess('baresip', 'baresip', ['-f', dir, ...(options.ipv6 ? ['-6'] : [])], { cwd: dir });
  const events: BaresipEvent[] = [];
  const waiters: Array<{ type: string; resolve: (e: BaresipEvent) => void }> = [];
  const pending = new Map<string, (r: unknown) => void>();
  let nextToken = 1;

  // A peer that fails to come up is stopped here: the caller never got a handle to stop it.
  const failed = async (err: unknown): Promise<never> => {
    await peer.stop();
    await tmp.remove();
    throw err;
  };
  const socket: Socket = await waitFor(
    'baresip ctrl_tcp',
    () =>
      new Promise<Socket | undefined>((resolve) => {
        const s = createConnection({ host: '127.0.0.1', port: ctrlPort });
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(undefined));
      }),
    { peer, timeoutMs: 10_000 },
  ).catch(failed);
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    // Netstrings: LEN:PAYLOAD,
    for (;;) {
      const colon = buffer.indexOf(':');
      if (colon < 0) break;
      const len = Number(buffer.slice(0, colon));
      if (buffer.length < colon + 1 + len + 1) break;
      const payload = buffer.slice(colon + 1, colon + 1 + len);
      buffer = buffer.slice(colon + 1 + len + 1);
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(payload) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (msg.event) {
        const ev = msg as BaresipEvent;
        events.push(ev);
        for (const w of waiters.splice(0)) {
          if (w.type === ev.type) w.resolve(ev);
          else waiters.push(w);
        }
      } else if (msg.response && typeof msg.token === 'string') {
        pending.get(msg.token)?.(msg);
        pending.delete(msg.token);
      }
    }
  });
  socket.on('error', () => {});

  const command = (cmd: string, param?: string) =>
    new Promise<unknown>((resolve, reject) => {
      const token = String(nextToken++);
      const body = JSON.stringify({ command: cmd, params: param ?? '', token });
      pending.set(token, resolve);
      socket.write(`${Buffer.byteLength(body)}:${body},`);
      setTimeout(() => {
        if (pending.delete(token)) reject(new Error(`baresip did not answer ${cmd}:\n${peer.output()}`));
      }, 5000);
    });

  const b: Baresip = {
    sipPort,
    uri: `sip:${options.user}@${hostRef}:${sipPort}`,
    dir,
    peer,
    command,
    dial: (uri) => command('dial', uri),
    hangup: () => command('hangup'),
    events: () => [...events],
    waitForEvent(type, timeoutMs = 15_000) {
      const seen = events.find((e) => e.type === type);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`baresip: no ${type} event in ${timeoutMs} ms; events: ${events.map((e) => e.type).join(', ')}\n${peer.output()}`)), timeoutMs);
        waiters.push({
          type,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    async recordings() {
      return (await readdir(dir)).filter((f) => f.endsWith('-dec.wav')).map((f) => join(dir, f));
    },
    async stop() {
      socket.destroy();
      await peer.stop();
      await tmp.remove();
    },
  };
  // baresip registers as soon as it starts, often before ctrl_tcp is connected,
  // so the REGISTER_OK event can be missed: its log line is the reliable signal.
  if (options.registrar) {
    await waitFor('baresip to register', () => (/\} 200 OK .*binding/.test(peer.output()) ? true : undefined), { peer, timeoutMs: 10_000 }).catch((err) => {
      socket.destroy();
      return failed(err);
    });
  }
  return b;
}
