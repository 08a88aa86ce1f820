import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../firmware/config/index.js';
import { CaptureError, encodeIp, IPPROTO_UDP, writePcap } from '../../../firmware/capture/index.js';
import { Logging } from '../../../firmware/log/index.js';
import { DeskphoneError } from '../../../firmware/errors.js';
import { readPcap, udpDatagrams } from '../../../firmware/media/pcap/index.js';
import { ConfigAccess, createWebApp, hashPassword } from '../../../firmware/web/index.js';
import type { CaptureSource } from '../../../firmware/web/routes/capture-routes.js';
import { FakeClock } from '../../support/fake-clock.js';
import { TEST_COST } from '../web/web-fixture.js';
import { injectRequest } from '../../support/inject-request.js';

const PASSWORD = 'capture-admin';

async function phoneWeb(capture: CaptureSource | undefined, apiToken?: string) {
  const config = new ConfigAccess(parseConfigText(`admin:\n  password: "${await hashPassword(PASSWORD, TEST_COST)}"\n`));
  const web = createWebApp({
    clock: new FakeClock(),
    log: new Logging({ level: 'silent' }).for('web'),
    config,
    version: '0.0.0',
    ...(capture ? { capture } : {}),
    ...(apiToken ? { apiToken } : {}),
  });
  const basic = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` };
  const get = async (path: string, headers: Record<string, string> = {}): Promise<Response> =>
    await injectRequest(web.handle, `http://localhost${path}`, { headers }, '192.0.2.7');
  return { get, basic, close: () => web.close() };
}

const file = writePcap([
  {
    timestampMs: 1_764_086_400_000,
    protocol: IPPROTO_UDP,
    source: { ip: encodeIp('192.0.2.10'), port: 5060 },
    destination: { ip: encodeIp('198.51.100.7'), port: 5060 },
    payload: new TextEncoder().encode('OPTIONS sip:pbx SIP/2.0\r\n\r\n'),
  },
]);

describe('GET /api/v1/capture.pcap', () => {
  it('downloads the capture as a pcap attachment for an authenticated admin, at /api and /api/v1', async () => {
    const web = await phoneWeb({ pcap: async () => file });
    for (const path of ['/api/v1/capture.pcap', '/api/capture.pcap']) {
      const res = await web.get(path, web.basic);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.tcpdump.pcap');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w.-]+\.pcap"$/);
      const body = new Uint8Array(await res.arrayBuffer());
      expect(udpDatagrams(readPcap(body))[0]!.destination).toEqual({ address: '198.51.100.7', port: 5060 });
    }
    web.close();
  });

  it('takes the API token like the rest of the remote-control API', async () => {
    const web = await phoneWeb({ pcap: async () => file }, 'tok-123456789012345678901234');
    const res = await web.get('/api/v1/capture.pcap', { authorization: 'Bearer tok-123456789012345678901234' });
    expect(res.status).toBe(200);
    web.close();
  });

  it('refuses an unauthenticated request (401) and never builds the file for it', async () => {
    let built = 0;
    const web = await phoneWeb({ pcap: async () => (built++, file) });
    const res = await web.get('/api/v1/capture.pcap');
    expect(res.status).toBe(401);
    const wrong = await web.get('/api/v1/capture.pcap', { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` });
    expect(wrong.status).toBe(401);
    expect(built).toBe(0);
    web.close();
  });

  it('says capture is off (409, with the config key) instead of sending an empty file', async () => {
    const web = await phoneWeb({ pcap: async () => Promise.reject(new CaptureError('CAPTURE_OFF', 'packet capture is off (set capture.enabled: true)')) });
    const res = await web.get('/api/v1/capture.pcap', web.basic);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'CAPTURE_OFF', configKey: 'capture.enabled' } });
    web.close();
  });

  it('answers 503 PHONE_NOT_READY while the phone is still starting', async () => {
    const web = await phoneWeb({ pcap: async () => Promise.reject(new DeskphoneError('PHONE_NOT_READY', 'the phone is still starting')) });
    const res = await web.get('/api/v1/capture.pcap', web.basic);
    expect(res.status).toBe(503);
    web.close();
  });

  it('answers 404 NO_CAPTURE on a phone built without capture', async () => {
    const web = await phoneWeb(undefined);
    const res = await web.get('/api/v1/capture.pcap', web.basic);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NO_CAPTURE' } });
    web.close();
  });
});
