import { afterEach, describe, expect, it } from 'vitest';
import { StreamTransport, type InboundMessage, type Transport } from '../../../../firmware/sip/transport/index.js';

// Issue 5 point 11: when the phone's address goes away, TCP/TLS connections from it are dead ends (replies
// go to an address that is no longer ours); the stack closes them so the next request connects anew.

const enc = new TextEncoder();
const open: Transport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

const msg = (n: number) => `OPTIONS sip:a@b SIP/2.0\r\nCSeq: ${n} OPTIONS\r\nContent-Length: 0\r\n\r\n`;

describe('closing the connections from an address', () => {
  it('closes only the connections from that address, at once, and a later send connects again', async () => {
    const received: InboundMessage[] = [];
    const closed: string[] = [];
    const server = await StreamTransport.tcp({ address: '127.0.0.1', port: 0 }, { message: (m) => received.push(m) });
    const client = await StreamTransport.tcp({ address: '127.0.0.1', port: 0, listen: false }, { message() {}, connectionClosed: (id) => closed.push(id) });
    open.push(server, client);
    const first = await client.send(enc.encode(msg(1)), server.local);
    expect(first.local.address).toBe('127.0.0.1');
    expect(client.closeConnectionsFrom('192.0.2.99')).toBe(0);
    expect(client.openConnections).toBe(1);

    expect(client.closeConnectionsFrom('127.0.0.1')).toBe(1);
    expect(client.openConnections).toBe(0);
    expect(client.connectionTo(server.local)).toBeUndefined();
    const second = await client.send(enc.encode(msg(2)), server.local);
    expect(second.connectionId).not.toBe(first.connectionId);
    for (let i = 0; i < 100 && (received.length < 2 || closed.length < 1); i++) await new Promise((r) => setTimeout(r, 10));
    expect(received.map((m) => new TextDecoder().decode(m.data))).toEqual([msg(1), msg(2)]);
    // The flow's owner still hears that the old connection is gone (RFC 5626 §4.4.1).
    expect(closed).toEqual([first.connectionId]);
  });
});
