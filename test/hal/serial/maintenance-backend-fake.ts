import type { MaintenanceBackend } from '../../../hal/serial/index.js';

/** A phone behind the console: settings in a map, a log, and a record of what was asked. */
export function fakeBackend() {
  const settings = new Map<string, string>([
    ['sip.display_name', 'Front Desk'],
    ['sip.password', '********'],
  ]);
  const asked: string[] = [];
  const backend: MaintenanceBackend & { rebooted: number; asked: string[]; settings: Map<string, string> } = {
    rebooted: 0,
    asked,
    settings,
    status: async () => ({ firmware: '0.1.0', uptime: '3 h 12 min', address: '192.0.2.10', board: 'rpi-deskphone' }),
    registrations: async () => [{ account: '201@lab.test', state: 'registered', registrar: 'sip:lab.test', expiresInS: 3412 }],
    calls: async () => [{ id: 'c1', state: 'talking', remote: 'sip:202@lab.test', direction: 'out', durationS: 75 }],
    logTail: async (n) => Array.from({ length: n }, (_, i) => `line ${i + 1}`),
    configGet: async (key) => {
      asked.push(`get ${key}`);
      const v = settings.get(key);
      if (v === undefined) throw new Error(`unknown setting '${key}'`);
      return v;
    },
    configSet: async (key, value) => {
      asked.push(`set ${key}=${value}`);
      if (!settings.has(key)) throw new Error(`unknown setting '${key}'`);
      settings.set(key, value);
    },
    reboot: async () => {
      backend.rebooted++;
    },
  };
  return backend;
}

