import { writeFile, mkdir } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort, startProcess, tempDir, waitFor, type PeerProcess } from './processes.js';

/**
 * Kamailio as the office PBX: a registrar and proxy with digest authentication
 * (auth_db over db_text), on 127.0.0.1 with ports chosen at run time, its own
 * config in a temp dir (LAB.md "Kamailio as the office PBX").
 */
export interface KamailioUser {
  user: string;
  password: string;
}

export interface KamailioOptions {
  users: KamailioUser[];
  /** The SIP domain UAs register in; an alias of the proxy, not in DNS. */
  domain?: string;
  /** Also listen on TLS with a certificate made for this run. */
  tls?: boolean;
  /** Registrar limits, for 423 tests (RFC 3261 §10.3 step 7). */
  minExpires?: number;
  maxExpires?: number;
  /** Listen on the IPv6 loopback [::1] instead of 127.0.0.1 (IPv6 interop, RFC 3261 §19.1.1 brackets). */
  ipv6?: boolean;
}

export interface Kamailio {
  readonly host: '127.0.0.1' | '::1';
  /** `host:port` for a URI or an outbound-proxy setting: the IPv6 address in brackets (RFC 3261 §25.1). */
  readonly hostPort: string;
  readonly domain: string;
  readonly ports: { udp: number; tcp: number; tls?: number };
  /** CA certificate that signed the TLS server certificate (when tls is on). */
  readonly caFile?: string;
  readonly dir: string;
  /** Contacts currently registered, as Kamailio's usrloc reports them (AoR is the user part: use_domain is off). */
  registrations(): Promise<Array<{ aor: string; contact: string; expires: number }>>;
  /** Stops and starts it again on the same ports (registrations are lost: usrloc is in memory). */
  restart(): Promise<void>;
  stopOnly(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

export async function startKamailio(options: KamailioOptions): Promise<Kamailio> {
  const domain = options.domain ?? 'lab.test';
  const tmp = await tempDir('kamailio');
  const dir = tmp.path;
  const dbDir = join(dir, 'db');
  await mkdir(dbDir);
  const udp = await freePort();
  const tcp = udp; // Kamailio listens on TCP and UDP on the same port
  const tls = options.tls ? await freePort() : undefined;
  const ctl = join(dir, 'kamailio.ctl');
  const host = options.ipv6 ? '::1' : '127.0.0.1';

  await writeFile(join(dbDir, 'version'), 'table_name(string) table_version(int) \nsubscriber:7\n');
  await writeFile(
    join(dbDir, 'subscriber'),
    'id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null) \n' +
      options.users.map((u, i) => `${i + 1}:${u.user}:${domain}:${escapeDbText(u.password)}::`).join('\n') +
      '\n',
  );

  let caFile: string | undefined;
  if (tls !== undefined) {
    caFile = await makeCertificates(dir, domain);
    await writeFile(
      join(dir, 'tls.cfg'),
      `[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n` +
        `private_key = ${join(dir, 'server.key')}\ncertificate = ${join(dir, 'server.crt')}\n\n` +
        `[client:default]\nverify_certificate = no\nrequire_certificate = no\n`,
    );
  }
  await writeFile(join(dir, 'kamailio.cfg'), kamailioConfig({ dir, dbDir, domain, udp, tls, ctl, options, host }));

  let peer: PeerProcess | undefined;
  const startOnce = async () => {
    peer = startProcess('kamailio', 'kamailio', ['-f', join(dir, 'kamailio.cfg'), '-DD', '-E', '-m', '32', '-M', '8', '-Y', dir, '-w', dir], { cwd: dir });
    const p = peer;
    try {
      await waitFor('kamailio to answer OPTIONS', () => optionsPing(udp, host).then((ok) => (ok ? true : undefined)), { peer: p, timeoutMs: 15_000 });
      if (tls !== undefined) await waitFor('kamailio TLS port', () => tcpOpen(tls, host).then((ok) => (ok ? true : undefined)), { peer: p });
    } catch (err) {
      await p.stop();
      throw err;
    }
  };
  try {
    await startOnce();
  } catch (err) {
    await tmp.remove();
    throw err;
  }

  const k: Kamailio = {
    host,
    hostPort: options.ipv6 ? `[::1]:${udp}` : `127.0.0.1:${udp}`,
    domain,
    ports: { udp, tcp, ...(tls !== undefined ? { tls } : {}) },
    ...(caFile !== undefined ? { caFile } : {}),
    dir,
    async registrations() {
      const r = spawnSync('kamcmd', ['-s', `unix:${ctl}`, 'ul.dump'], { encoding: 'utf8' });
      return parseUlDump(r.stdout ?? '');
    },
    async restart() {
      await peer?.stop();
      await startOnce();
    },
    async stopOnly() {
      await peer?.stop();
    },
    start: startOnce,
    async stop() {
      await peer?.stop();
      await tmp.remove();
    },
    output: () => peer?.output() ?? '',
  };
  return k;
}

function escapeDbText(s: string): string {
  // db_text separates columns with ':' and escapes it (and '\') with a backslash.
  return s.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}

async function makeCertificates(dir: string, domain: string): Promise<string> {
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=deskphone test CA', '-keyout', 'ca.key', '-out', 'ca.crt']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${domain}`, '-keyout', 'server.key', '-out', 'server.csr']);
  await writeFile(join(dir, 'san.ext'), `subjectAltName=DNS:${domain},IP:127.0.0.1\n`);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt']);
  return join(dir, 'ca.crt');
}

interface ConfigInput {
  dir: string;
  dbDir: string;
  domain: string;
  udp: number;
  tls: number | undefined;
  ctl: string;
  options: KamailioOptions;
  host: string;
}

function kamailioConfig({ dir, dbDir, domain, udp, tls, ctl, options, host }: ConfigInput): string {
  // Kamailio writes an IPv6 listen address in brackets, as a SIP URI does (RFC 3261 §25.1).
  const listenHost = host.includes(':') ? `[${host}]` : host;
  const tlsListen = tls !== undefined ? `listen=tls:${listenHost}:${tls}\nenable_tls=yes\n` : '';
  const tlsModule = tls !== undefined ? `loadmodule "tls.so"\nmodparam("tls", "config", "${join(dir, 'tls.cfg')}")\n` : '';
  return `#!KAMAILIO
# Written by test/interop/support/kamailio.ts for one test run.
debug=2
log_stderror=yes
fork=yes
children=2
tcp_children=2
auto_aliases=no
alias="${domain}"
listen=udp:${listenHost}:${udp}
listen=tcp:${listenHost}:${udp}
${tlsListen}
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "ctl.so"
loadmodule "kex.so"
loadmodule "db_text.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
loadmodule "nathelper.so"
${tlsModule}
modparam("ctl", "binrpc", "unix:${ctl}")
modparam("usrloc", "db_mode", 0)
modparam("registrar", "min_expires", ${options.minExpires ?? 0})
modparam("registrar", "max_expires", ${options.maxExpires ?? 3600})
modparam("rr", "enable_full_lr", 1)
modparam("auth_db", "db_url", "text://${dbDir}")
modparam("auth_db", "calculate_ha1", 1)
modparam("auth_db", "password_column", "password")
modparam("auth_db", "load_credentials", "")
modparam("auth", "nonce_expire", 30)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (!sanity_check("17895", "7")) { xlog("L_WARN", "malformed request from $si:$sp\\n"); exit; }
  force_rport();

  if (has_totag()) {
    if (loose_route()) { route(RELAY); exit; }
    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
    sl_send_reply("404", "Not here");
    exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) { route(RELAY); } exit; }
  t_check_trans();

  if (is_method("OPTIONS") && uri==myself && $rU==$null) { sl_send_reply("200", "OK"); exit; }

  if (is_method("REGISTER")) {
    if (!www_authorize("${domain}", "subscriber")) { www_challenge("${domain}", "1"); exit; }
    if (!save("location")) { sl_reply_error(); }
    exit;
  }

  if (from_uri==myself && !is_method("ACK|PRACK|BYE")) {
    if (!proxy_authorize("${domain}", "subscriber")) { proxy_challenge("${domain}", "1"); exit; }
    consume_credentials();
  }
  if (is_method("INVITE|SUBSCRIBE|REFER")) record_route();

  if (uri==myself) {
    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
  }
  route(RELAY);
}

route[RELAY] {
  if (!t_relay()) sl_reply_error();
  exit;
}
`;
}

/** True when Kamailio answers an OPTIONS over UDP (its readiness signal). */
export async function optionsPing(port: number, host = '127.0.0.1'): Promise<boolean> {
  const { createSocket } = await import('node:dgram');
  const v6 = host.includes(':');
  const ref = v6 ? `[${host}]` : host;
  return new Promise((resolve) => {
    const sock = createSocket(v6 ? 'udp6' : 'udp4');
    const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
    const msg =
      `OPTIONS sip:${ref}:${port} SIP/2.0\r\nVia: SIP/2.0/UDP ${ref}:9;branch=${branch};rport\r\n` +
      `Max-Forwards: 70\r\nTo: <sip:${ref}:${port}>\r\nFrom: <sip:probe@${ref}>;tag=probe\r\n` +
      `Call-ID: ${branch}@probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    const timer = setTimeout(() => finish(false), 300);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      sock.close();
      resolve(ok);
    };
    sock.on('message', (data) => finish(data.toString().startsWith('SIP/2.0 ')));
    sock.on('error', () => finish(false));
    sock.bind(0, host, () => sock.send(msg, port, host));
  });
}

function tcpOpen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ port, host });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** Reads `kamcmd ul.dump brief` output: AoR blocks with Contact/Expires lines. */
function parseUlDump(text: string): Array<{ aor: string; contact: string; expires: number }> {
  const out: Array<{ aor: string; contact: string; expires: number }> = [];
  let aor = '';
  let contact = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const aorMatch = /^AoR:\s*(\S+)/.exec(line);
    if (aorMatch) aor = aorMatch[1]!;
    const contactMatch = /^Address:\s*(\S+)/.exec(line);
    if (contactMatch) contact = contactMatch[1]!;
    const expiresMatch = /^Expires:\s*(\d+)/.exec(line);
    if (expiresMatch && contact) {
      out.push({ aor, contact, expires: Number(expiresMatch[1]) });
      contact = '';
    }
  }
  return out;
}
