import { afterEach, describe, expect, it } from 'vitest';
import { StreamTransport, TransportError, UdpTransport, type InboundMessage, type Transport } from '../../../../firmware/sip/transport/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const open: Transport[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

function inbox() {
  const messages: InboundMessage[] = [];
  const waiters: Array<() => void> = [];
  return {
    messages,
    events: {
      message(m: InboundMessage) {
        messages.push(m);
        waiters.splice(0).forEach((w) => w());
      },
    },
    async next(count = messages.length + 1): Promise<InboundMessage> {
      while (messages.length < count) await new Promise<void>((r) => waiters.push(r));
      return messages[count - 1]!;
    },
  };
}

const msg = (n: number) => `OPTIONS sip:a@b SIP/2.0\r\nCSeq: ${n} OPTIONS\r\nContent-Length: 0\r\n\r\n`;

describe('UdpTransport', () => {
  it.each(['127.0.0.1', '::1'])('carries one message per datagram on %s and reports the source', async (address) => {
    const a = inbox();
    const b = inbox();
    const ta = await UdpTransport.listen({ address, port: 0 }, a.events);
    const tb = await UdpTransport.listen({ address, port: 0 }, b.events);
    open.push(ta, tb);
    expect(ta.local.port).toBeGreaterThan(0);
    await ta.send(enc.encode(msg(1)), tb.local);
    const got = await b.next();
    expect(dec.decode(got.data)).toBe(msg(1));
    expect(got.remote).toEqual(ta.local);
    expect(got.protocol).toBe('UDP');
  });

  it('ignores CRLF keep-alive datagrams', async () => {
    const b = inbox();
    const ta = await UdpTransport.listen({ address: '127.0.0.1', port: 0 }, inbox().events);
    const tb = await UdpTransport.listen({ address: '127.0.0.1', port: 0 }, b.events);
    open.push(ta, tb);
    await ta.sendKeepAlive(tb.local);
    await ta.send(enc.encode(msg(2)), tb.local);
    expect(dec.decode((await b.next()).data)).toBe(msg(2));
    expect(b.messages).toHaveLength(1);
  });
});

describe('StreamTransport over TCP', () => {
  it('connects on first send, frames what arrives and answers over the same connection (§18.2.2)', async () => {
    const server = inbox();
    const client = inbox();
    const ts = await StreamTransport.tcp({ address: '127.0.0.1', port: 0 }, server.events);
    const tc = await StreamTransport.tcp({ address: '127.0.0.1', port: 0, listen: false }, client.events);
    open.push(ts, tc);
    const sent = await tc.send(enc.encode(msg(1) + msg(2)), ts.local);
    const second = await server.next(2);
    expect(dec.decode(second.data)).toBe(msg(2));
    expect(second.remote.port).toBe(sent.local.port);
    // The answer reuses the inbound connection: the client never listened.
    await ts.send(enc.encode(msg(3)), second.remote, { connectionId: second.connectionId });
    expect(dec.decode((await client.next()).data)).toBe(msg(3));
    // And a second request to the same server reuses the client's connection.
    const again = await tc.send(enc.encode(msg(4)), ts.local);
    expect(again.connectionId).toBe(sent.connectionId);
    expect(tc.openConnections).toBe(1);
  });

  it('answers a CRLFCRLF ping with a CRLF pong (RFC 5626 §3.5.1)', async () => {
    const pongs: string[] = [];
    const ts = await StreamTransport.tcp({ address: '127.0.0.1', port: 0 }, inbox().events);
    const tc = await StreamTransport.tcp({ address: '127.0.0.1', port: 0, listen: false }, { message() {}, pong: (id) => pongs.push(id) });
    open.push(ts, tc);
    await tc.send(enc.encode(msg(1)), ts.local);
    await tc.sendKeepAlive(ts.local);
    while (pongs.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(pongs).toHaveLength(1);
  });

  it('rejects a send to a closed port with a TransportError the transaction layer can turn into 503', async () => {
    const probe = await StreamTransport.tcp({ address: '127.0.0.1', port: 0 }, inbox().events);
    const deadPort = probe.local.port;
    await probe.close();
    const tc = await StreamTransport.tcp({ address: '127.0.0.1', port: 0, listen: false }, inbox().events);
    open.push(tc);
    const err = await tc.send(enc.encode(msg(1)), { address: '127.0.0.1', port: deadPort }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).reason).toBe('connect-failed');
  });

  it('closes a connection whose stream cannot be framed and reports it', async () => {
    const closed: string[] = [];
    const malformed: string[] = [];
    const ts = await StreamTransport.tcp(
      { address: '127.0.0.1', port: 0 },
      { message() {}, malformed: (r) => malformed.push(r), connectionClosed: (id) => closed.push(id) },
    );
    const tc = await StreamTransport.tcp({ address: '127.0.0.1', port: 0, listen: false }, inbox().events);
    open.push(ts, tc);
    await tc.send(enc.encode('MESSAGE sip:a@b SIP/2.0\r\nContent-Length: lots\r\n\r\n'), ts.local);
    while (closed.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(malformed[0]).toMatch(/Content-Length/);
  });
});

describe('StreamTransport over IPv6 and under load', () => {
  it('connects and frames over TCP on ::1', async () => {
    const server = inbox();
    const ts = await StreamTransport.tcp({ address: '::1', port: 0 }, server.events);
    const tc = await StreamTransport.tcp({ address: '::1', port: 0, listen: false }, inbox().events);
    open.push(ts, tc);
    await tc.send(enc.encode(msg(6)), { address: '::1', port: ts.local.port });
    const got = await server.next();
    expect(dec.decode(got.data)).toBe(msg(6));
    expect(got.remote.address).toBe('::1');
  });

  it('refuses inbound connections beyond its limit', async () => {
    const ts = await StreamTransport.tcp({ address: '127.0.0.1', port: 0, maxInboundConnections: 1 }, inbox().events);
    const closed: string[] = [];
    const c1 = await StreamTransport.tcp({ address: '127.0.0.1', port: 0, listen: false }, inbox().events);
    const c2 = await StreamTransport.tcp({ address: '127.0.0.1', port: 0, listen: false }, { message() {}, connectionClosed: (id) => closed.push(id) });
    open.push(ts, c1, c2);
    await c1.send(enc.encode(msg(1)), ts.local);
    await c2.send(enc.encode(msg(2)), ts.local).catch(() => {});
    while (closed.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(ts.openConnections).toBe(1);
  });
});
