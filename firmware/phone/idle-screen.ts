import { Glyph } from '../../hal/index.js';
import { displayZone, formatClock, formatDayMonth } from '../clock/index.js';

/** What the idle screen shows (issue 7 "LCD screens: Idle"). */
export interface IdleState {
  /** Account display name or user; undefined in direct-IP mode. */
  accountName: string | undefined;
  registration: 'registered' | 'registering' | 'failed' | 'none';
  /** Where to call the phone in direct-IP mode, as `address:port` (fits a 16-column row). */
  directAddress?: string;
  now: Date;
  timeZone: string;
  missedCalls: number;
  voicemail: number;
}

/**
 * The idle screen as text lines for a display of `rows` × `columns` (16×2 and
 * 20×4 are the common glass). Pure: the phone redraws it each minute and on
 * every state change, and the display driver rewrites only changed characters.
 */
export function renderIdleScreen(state: IdleState, rows: number, columns: number): string[] {
  const status =
    state.registration === 'registered' ? Glyph.registered : state.registration === 'registering' ? '…' : state.registration === 'failed' ? '!' : ' ';
  const name = state.accountName ?? 'Direct IP';
  const mwi = state.voicemail > 0 ? `${Glyph.messageWaiting}${state.voicemail}` : '';
  const first = fit(`${status}${name}`, mwi, columns);

  const zone = displayZone(state.timeZone);
  const time = formatClock(state.now, zone);
  const date = formatDayMonth(state.now, zone);
  const missed = state.missedCalls > 0 ? `${state.missedCalls} missed` : '';

  const lines = [first];
  if (rows >= 4) {
    lines.push(fit(date, time, columns));
    lines.push(state.registration === 'failed' ? fit('Registration failed', '', columns) : fit(state.accountName ? '' : (state.directAddress ?? ''), '', columns));
    lines.push(fit(missed, state.voicemail > 0 ? `${state.voicemail} voicemail` : '', columns));
  } else if (rows >= 2) {
    lines.push(fit(missed !== '' && columns < 20 ? missed : date, time, columns));
  }
  while (lines.length < rows) lines.push(' '.repeat(columns));
  return lines.slice(0, rows);
}

/** `left` and `right` on one line of `width`, the left side cut when both do not fit. */
function fit(left: string, right: string, width: number): string {
  const l = [...left];
  const r = [...right];
  const room = Math.max(0, width - r.length - (r.length > 0 ? 1 : 0));
  const shown = l.length > room ? l.slice(0, room) : l;
  return shown.join('') + ' '.repeat(width - shown.length - r.length) + r.join('');
}
