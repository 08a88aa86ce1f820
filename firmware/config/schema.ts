import * as z from 'zod';
import { timeZoneNames, timeZoneProblem } from '../clock/index.js';
import { DigitMap } from '../phone/dial-plan/digit-map.js';
import { didYouMean } from './did-you-mean.js';

/**
 * The phone's configuration: one YAML file a PBX admin edits by hand or a
 * provisioning server writes (README "Configuration"). Every object is strict:
 * an unknown key is an error (with a did-you-mean) rather than a silently
 * ignored typo. Everything optional has a default, so `{}` is a valid config:
 * a phone with no account starts in direct-IP mode.
 *
 * Values are named as PBX admins and the RFCs name them (T1/T2/T4, ptime,
 * registerExpires in seconds), with units in the key where they are not obvious.
 */

const hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)$/, 'a host name, IPv4 address or [IPv6] reference');

/** A SIP server as `host`, `host:port` or `[v6]:port`, optionally with `;transport=`-free sip: prefix. */
const hostPort = z
  .string()
  .min(1)
  .max(300)
  .regex(/^(sips?:)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(;[A-Za-z0-9=;._-]+)?$/, 'host[:port], e.g. pbx.example.com or 192.0.2.10:5060');

const sipUser = z.string().min(1).max(128).regex(/^[^\s@:<>"]+$/, 'a SIP user part without spaces, @, : or quotes');

export const TRANSPORTS = ['udp', 'tcp', 'tls'] as const;
export const CODECS = ['PCMU', 'PCMA', 'G722', 'telephone-event'] as const;
export const TONE_REGIONS = ['us', 'uk', 'de', 'fr', 'nl', 'it', 'es', 'ch', 'se', 'au', 'jp'] as const;
export const LOG_LEVEL = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const accountSchema = z.strictObject({
  /** Shown on the idle screen and in From as the display name. */
  displayName: z.string().max(64).default(''),
  user: sipUser,
  /** Digest user name when it differs from `user` (many hosted PBXs). */
  authUser: sipUser.optional(),
  password: z.string().max(256).default(''),
  domain: hostname,
  /** Registrar host[:port]; the domain (via RFC 3263) when absent. */
  registrar: hostPort.optional(),
  /** Every request goes here first (RFC 3261 §8.1.2 outbound proxy). */
  outboundProxy: hostPort.optional(),
  transport: z.enum(TRANSPORTS).default('udp'),
  /** Requested registration lifetime in seconds (RFC 3261 §10.2.1.1); the registrar may shorten it. */
  registerExpires: z.number().int().min(30).max(86400).default(3600),
  enabled: z.boolean().default(true),
});

export const sipSchema = z.strictObject({
  /** Local SIP port for UDP and TCP; 0 picks a free one (printed at start). */
  port: z.number().int().min(0).max(65535).default(5060),
  tlsPort: z.number().int().min(0).max(65535).default(5061),
  transports: z.array(z.enum(TRANSPORTS)).min(1).default(['udp', 'tcp']),
  /** CA bundle for verifying TLS servers; the system's when absent. Verification is always on. */
  caFile: z.string().optional(),
  /** RFC 3261 §17.1.1.1 timer values in ms (Table 4). */
  timers: z
    .strictObject({
      t1: z.number().int().min(50).max(10_000).default(500),
      t2: z.number().int().min(500).max(60_000).default(4000),
      t4: z.number().int().min(500).max(60_000).default(5000),
    })
    .default({ t1: 500, t2: 4000, t4: 5000 }),
  userAgent: z.string().max(128).optional(),
  /**
   * A fixed address for Via, Contact and SDP (a static NAT's public address). Without it each message
   * carries the address of the interface it leaves by (RFC 3261 §18.2.1 sent-by, issue 5 point 11).
   */
  advertisedAddress: z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' }).optional(),
  /** RFC 3581: what the phone does when the registrar's Via received/rport show a NAT between them. */
  nat: z
    .strictObject({
      /** Register (and call with) the public address:port the registrar saw, as PJSIP's contact_rewrite. */
      rewriteContact: z.boolean().default(true),
      /** Put that public address in the SDP too (only right when the NAT keeps RTP ports; else use an SBC). */
      publicAddressInSdp: z.boolean().default(false),
    })
    .default({ rewriteContact: true, publicAddressInSdp: false }),
});

const volume = z.number().int().min(0).max(100);

export const audioSchema = z.strictObject({
  /** ALSA device names per route; the board's defaults when absent. */
  devices: z
    .strictObject({
      handset: z.string().optional(),
      headset: z.string().optional(),
      speaker: z.string().optional(),
    })
    .default({}),
  /** Percent, per route; the ringer's too. */
  volumes: z
    .strictObject({
      handset: volume.default(70),
      headset: volume.default(70),
      speaker: volume.default(60),
      ringer: volume.default(60),
    })
    .default({ handset: 70, headset: 70, speaker: 60, ringer: 60 }),
  /** Offered in this order in SDP (RFC 3264 §5.1: preference order). */
  codecs: z.array(z.enum(CODECS)).min(1).default(['PCMU', 'PCMA', 'telephone-event']),
  /** Packetization time in ms (RFC 4566 a=ptime). */
  ptime: z.union([z.literal(10), z.literal(20), z.literal(30), z.literal(40), z.literal(50), z.literal(60)]).default(20),
  /** How digits pressed in a call are sent. */
  dtmf: z.enum(['rfc4733', 'sip-info', 'inband']).default('rfc4733'),
  jitterBuffer: z
    .strictObject({
      minDelayMs: z.number().int().min(0).max(500).default(20),
      maxDelayMs: z.number().int().min(20).max(2000).default(300),
    })
    .default({ minDelayMs: 20, maxDelayMs: 300 }),
});

export const dialPlanSchema = z.strictObject({
  /** Cisco/Polycom-style digit map. */
  digitMap: z
    .string()
    .max(2000)
    .default('[2-9]xxx|9,1[2-9]xx[2-9]xxxxxx|*xx|011x.T|x.T')
    .superRefine((map, ctx) => {
      try {
        DigitMap.parse(map);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `a digit map like [2-9]xxx|9,1xxxxxxxxxx (${(err as Error).message})` });
      }
    }),
  /** Seconds to wait after a full match (short) and while a longer match is possible (long). */
  shortTimeoutS: z.number().min(0.5).max(30).default(3),
  longTimeoutS: z.number().min(1).max(60).default(10),
  /** Dialled even when no account is registered. */
  emergencyNumbers: z.array(z.string().regex(/^[0-9*#+]+$/, 'digits, * # or +')).default(['911', '112']),
  /** Rewrites the dialled number: the first rule whose regular expression matches replaces it (`$1` for groups). */
  rewrite: z
    .array(
      z.strictObject({
        match: z
          .string()
          .min(1)
          .max(200)
          .refine((re) => compiles(re), 'a regular expression such as ^9(\\d+)$'),
        replace: z.string().max(200),
      }),
    )
    .default([]),
});

export const configSchema = z.strictObject({
  /** Board definition name (board/); `sim` is the simulator. */
  board: z.string().min(1).default('sim'),
  accounts: z.array(accountSchema).max(8).default([]),
  sip: sipSchema.default(sipSchema.parse({})),
  audio: audioSchema.default(audioSchema.parse({})),
  dialPlan: dialPlanSchema.default(dialPlanSchema.parse({})),
  /** How the phone treats calls (issue 5: call waiting, DND). */
  phone: z
    .strictObject({
      /** A second call while in one rings through with the call-waiting tone; off: 486 at once. */
      callWaiting: z.boolean().default(true),
      doNotDisturb: z.boolean().default(false),
      /** What callers get while DND is on: 486 Busy Here or 480 Temporarily Unavailable. */
      dndResponse: z.union([z.literal(486), z.literal(480)]).default(486),
      /** Forward every incoming call to this number or URI; empty: off. */
      callForward: z.string().max(256).default(''),
      /**
       * With an account configured, calls are taken only from its registrar/proxy (issue 5 §12);
       * true also takes direct IP calls. Without an account every call is direct and taken.
       */
      acceptDirectCalls: z.boolean().default(false),
      /** Answer intercom/paging calls that ask for it (Call-Info answer-after, Alert-Info auto-answer) hands-free. */
      autoAnswer: z.boolean().default(false),
    })
    .default({ callWaiting: true, doNotDisturb: false, dndResponse: 486, callForward: '', acceptDirectCalls: false, autoAnswer: false }),
  /** IANA time zone for the clock on the idle screen and the call log. */
  timeZone: z
    .string()
    .default('UTC')
    .superRefine((tz, ctx) => {
      const problem = timeZoneProblem(tz);
      if (problem === undefined) return;
      const guess = problem.startsWith('no such') ? didYouMean(tz, timeZoneNames()) : undefined;
      ctx.addIssue({ code: 'custom', input: tz, message: `an IANA time zone such as Europe/Berlin or America/New_York (${problem}${guess ? `; did you mean "${guess}"?` : ''})` });
    }),
  /** Call-progress tone set (ITU-T E.180). */
  toneRegion: z.enum(TONE_REGIONS).default('us'),
  admin: z
    .strictObject({
      user: z.string().min(1).max(64).default('admin'),
      /** Empty: the web admin and console ask to set one at first use. */
      password: z.string().max(256).default(''),
    })
    .default({ user: 'admin', password: '' }),
  provisioning: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }).optional(),
      intervalHours: z.number().min(0).max(720).default(24),
    })
    .default({ intervalHours: 24 }),
  logging: z
    .strictObject({
      level: LOG_LEVEL.default('info'),
      components: z
        .strictObject({
          main: LOG_LEVEL.optional(),
          config: LOG_LEVEL.optional(),
          sip: LOG_LEVEL.optional(),
          media: LOG_LEVEL.optional(),
          hal: LOG_LEVEL.optional(),
          phone: LOG_LEVEL.optional(),
          web: LOG_LEVEL.optional(),
        })
        .default({}),
    })
    .default({ level: 'info', components: {} }),
  /**
   * The recent SIP and RTP/RTCP traffic kept in memory for the web admin's pcap
   * download (issue 7 §6; firmware/capture). maxBytes bounds both rings together
   * and so the file; 2 MB holds about a minute of a G.711 call and many calls' SIP.
   */
  capture: z
    .strictObject({
      enabled: z.boolean().default(true),
      maxBytes: z.number().int().min(160 * 1024).max(64 * 1024 * 1024).default(2 * 1024 * 1024),
    })
    .default({ enabled: true, maxBytes: 2 * 1024 * 1024 }),
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type AccountConfig = z.output<typeof accountSchema>;

function compiles(re: string): boolean {
  try {
    new RegExp(re);
    return true;
  } catch {
    return false;
  }
}

/** Keys whose values are never printed: in logs, errors or `config get`. */
export const SECRET_KEYS = new Set(['password']);
