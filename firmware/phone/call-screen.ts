import { Glyph } from '../../hal/index.js';
import type { CallMediaInfo, PhoneCall } from './phone-call.js';
import type { AudioRoute } from './phone-events.js';
import type { Notice } from './phone-machine.js';

/** What the call screen needs (PhoneMachine's view plus names resolved from contacts). */
export interface CallScreenState {
  route: AudioRoute | null;
  dialling: string | undefined;
  calls: readonly PhoneCall[];
  focus: PhoneCall | undefined;
  muted: boolean;
  notice: Notice | undefined;
  /** Contacts win over the caller's own display name (issue 7). */
  nameOf: (call: PhoneCall) => string;
  /** Phone clock now, ms (durations). */
  now: number;
  /** Codec of the focus call, shown when the user asked for it. */
  codec?: string;
  /** Codec and quality figures of the focus call, shown for a few seconds after OK (issue 7 §3 "codec on demand"). */
  info?: CallMediaInfo;
  /** The two calls of a 3-way conference, while it lasts. */
  conference?: readonly [string, string] | undefined;
}

/**
 * The screen of a phone that is not idle: dialling, calling, talking, ringing,
 * call waiting, hold, and notices. Lines are exactly `columns` wide; text too
 * long for a line scrolls (marquee) as `scrollStep` advances, which the caller
 * bumps twice a second while `needsScroll` is true.
 */
export function renderCallScreen(state: CallScreenState, rows: number, columns: number, scrollStep = 0): { lines: string[]; needsScroll: boolean } {
  let needsScroll = false;
  const line = (text: string, right = ''): string => {
    const room = columns - [...right].length - (right ? 1 : 0);
    const chars = [...text];
    let shown: string[];
    if (chars.length <= room) shown = chars;
    else {
      needsScroll = true;
      const loop = [...chars, ' ', ' ', ' '];
      const start = scrollStep % loop.length;
      shown = [...loop.slice(start), ...loop.slice(0, start)].slice(0, room);
    }
    return shown.join('') + ' '.repeat(columns - shown.length - [...right].length) + right;
  };
  const icons = `${state.muted ? Glyph.mute : ''}${state.route === 'speaker' ? Glyph.speaker : state.route ? Glyph.handset : ''}`;
  const lines: string[] = [];
  const waiting = state.calls.find((c) => c.phase === 'incoming');
  const held = state.calls.find((c) => c.phase === 'on-hold');
  const focus = state.focus;

  if (state.notice) {
    lines.push(line(state.notice.text), line(''));
  } else if (state.dialling !== undefined) {
    // Show the end of a long number: the digits being typed matter most.
    const digits = [...state.dialling];
    const tail = digits.length > columns ? digits.slice(digits.length - columns).join('') : state.dialling;
    lines.push(line('Dial', icons), line(tail));
  } else if (focus && state.conference) {
    const [a, b] = state.conference.map((id) => state.calls.find((c) => c.id === id));
    lines.push(line('Conference', icons), line(formatDuration(state.now - (focus.connectedAt ?? state.now))));
    for (const c of [a, b]) if (c) lines.push(line(` ${state.nameOf(c)}`));
  } else if (focus?.phase === 'connected' && state.info) {
    const { codec, quality } = state.info;
    // 16 columns hold "Loss 1.3% J 3ms"; wider glass spells jitter out. Longer figures scroll like any text.
    const jitterWord = columns >= 20 ? 'Jit' : 'J';
    const figures = quality ? `Loss ${quality.lossPercent.toFixed(1)}% ${jitterWord} ${Math.round(quality.jitterMs)}ms` : 'No audio yet';
    const mos = quality ? `MOS ${quality.mos.toFixed(1)}` : '';
    if (rows >= 4) {
      lines.push(line(state.nameOf(focus), icons), line(formatDuration(state.now - (focus.connectedAt ?? state.now)), codec), line(figures), line(mos));
    } else {
      lines.push(line(mos ? `${codec} ${mos}` : codec, icons), line(figures));
    }
  } else if (focus) {
    const name = state.nameOf(focus);
    const status =
      focus.phase === 'calling'
        ? 'Calling…'
        : focus.phase === 'ringback'
          ? 'Ringing…'
          : focus.heldByRemote
            ? 'Held by far end'
            : formatDuration(state.now - (focus.connectedAt ?? state.now));
    const right = focus.phase === 'connected' ? (state.codec ?? (focus.lastDigitReceived ? `DTMF ${focus.lastDigitReceived}` : '')) : '';
    lines.push(line(name, icons), line(status, right));
    if (waiting) lines.push(line(`Waiting: ${state.nameOf(waiting)}`));
    else if (held) lines.push(line(`${Glyph.hold} ${state.nameOf(held)}`));
  } else if (waiting) {
    lines.push(line(held ? `Waiting: ${state.nameOf(waiting)}` : 'Incoming call'), line(state.nameOf(waiting)));
    if (held) lines.push(line(`${Glyph.hold} ${state.nameOf(held)}`));
  } else if (held) {
    lines.push(line(`${Glyph.hold} On hold`, icons), line(state.nameOf(held)));
  } else {
    lines.push(line(''), line(''));
  }
  if (rows >= 4 && lines.length < 4) {
    while (lines.length < 3) lines.push(line(''));
    lines.push(line(softKeys(state, waiting, held)));
  }
  while (lines.length < rows) lines.push(line(''));
  return { lines: lines.slice(0, rows), needsScroll };
}

/** The soft-key labels along the bottom row of a 4-line display. */
function softKeys(state: CallScreenState, waiting: PhoneCall | undefined, held: PhoneCall | undefined): string {
  if (state.notice) return 'OK';
  if (state.dialling !== undefined) return 'Send  <<      Cancel';
  if (state.conference) return 'Split  Mute     End';
  if (state.focus?.phase === 'connected') return waiting ? 'Answer  Reject  End' : 'Hold  Mute     End';
  if (state.focus) return 'End';
  if (waiting) return 'Answer      Reject';
  if (held) return 'Resume        End';
  return '';
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
