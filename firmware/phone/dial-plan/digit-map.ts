import { DeskphoneError } from '../../errors.js';

/**
 * Digit maps as desk phones write them (Cisco SPA / Polycom, after the MGCP
 * digit map of RFC 3435 §2.1.5):
 *
 *   [2-9]xxx|9,1[2-9]xx[2-9]xxxxxx|*xx|011x.T|#
 *
 * - alternatives separated by `|`, optionally inside one pair of parentheses;
 * - `0`–`9`, `*`, `#`: that key; `x`: any digit; `[2-9]`, `[135]`, `[0-4*]`: one of a set;
 * - `.` after an element: that element zero or more times (`011x.` = 011 then any digits);
 * - `T` at the end: the number is complete only when the inter-digit timer fires;
 * - `,` between elements: play the second (outside-line) dial tone at that point.
 *
 * Matching is a set-of-positions walk over each compiled pattern (no
 * backtracking), so classifying a dialled string is linear in its length.
 */
export class DialPlanError extends DeskphoneError {
  constructor(
    readonly map: string,
    readonly offset: number,
    reason: string,
  ) {
    super('DIAL_PLAN_INVALID', `digit map: ${reason} at position ${offset + 1} of "${map}"`);
  }
}

interface Element {
  keys: ReadonlySet<string>;
  repeat: boolean;
  /** A second dial tone plays once this element's position is reached (`,` before it). */
  secondToneBefore: boolean;
}

interface Pattern {
  source: string;
  elements: Element[];
  /** `T`: complete only on the inter-digit timeout. */
  timer: boolean;
}

export type Classification =
  /** Some pattern matches and no longer number can: dial now. */
  | { kind: 'complete' }
  /** Some pattern matches but a longer one may follow (or the pattern ends in T): dial when the short timer fires. */
  | { kind: 'complete-on-timeout' }
  /** More digits are needed: wait for the next one, up to the long timer. */
  | { kind: 'partial' }
  /** No pattern can match, whatever follows. */
  | { kind: 'invalid' };

const DIGITS = '0123456789';
const KEYS = new Set([...DIGITS, '*', '#']);
const MAX_MAP_LENGTH = 4000;

export class DigitMap {
  private constructor(
    readonly source: string,
    private readonly patterns: Pattern[],
  ) {}

  static parse(source: string): DigitMap {
    if (source.length > MAX_MAP_LENGTH) throw new DialPlanError(source.slice(0, 40), MAX_MAP_LENGTH, `longer than ${MAX_MAP_LENGTH} characters`);
    let text = source.trim();
    let base = source.indexOf(text);
    if (text.startsWith('(') && text.endsWith(')')) {
      text = text.slice(1, -1);
      base += 1;
    }
    if (text === '') throw new DialPlanError(source, 0, 'empty digit map');
    const patterns: Pattern[] = [];
    let start = 0;
    for (const part of text.split('|')) {
      patterns.push(compile(part, source, base + start));
      start += part.length + 1;
    }
    return new DigitMap(source, patterns);
  }

  classify(dialled: string): Classification {
    let complete = false;
    let waitable = false;
    let partial = false;
    for (const p of this.patterns) {
      const r = walk(p, dialled);
      if (!r.alive) continue;
      if (!r.accepts) partial = true;
      else if (p.timer || r.canExtend) waitable = true;
      else complete = true;
    }
    // A pattern that is complete wins over one that could go on only when no
    // other pattern is still waiting for more digits: `[2-9]xxx|2xxxx` waits on 2345.
    if (complete && !waitable && !partial) return { kind: 'complete' };
    if (complete || waitable) return { kind: 'complete-on-timeout' };
    if (partial) return { kind: 'partial' };
    return { kind: 'invalid' };
  }

  /** Whether any pattern accepts `key` after `dialled` (used to decide if `#` is a digit or "send"). */
  accepts(dialled: string, key: string): boolean {
    return this.patterns.some((p) => walk(p, dialled + key).alive);
  }

  /** True when the dialled digits have just reached a `,` of some still-matching pattern. */
  secondDialTone(dialled: string): boolean {
    return this.patterns.some((p) => {
      const r = walk(p, dialled);
      return r.alive && r.positions.some((i) => p.elements[i]?.secondToneBefore === true && !p.elements[i - 1]?.repeat);
    });
  }
}

function compile(part: string, map: string, offset: number): Pattern {
  const elements: Element[] = [];
  let timer = false;
  let secondTone = false;
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    const at = offset + i;
    if (timer) throw new DialPlanError(map, at, '"T" must end its pattern');
    if (c === ' ' || c === '\t') continue;
    if (c === ',') {
      secondTone = true;
      continue;
    }
    if (c === '.') {
      const last = elements[elements.length - 1];
      if (!last || last.repeat) throw new DialPlanError(map, at, '"." must follow a key, "x" or a [set]');
      last.repeat = true;
      continue;
    }
    if (c === 'T' || c === 't') {
      timer = true;
      continue;
    }
    let keys: Set<string>;
    if (c === 'x' || c === 'X') keys = new Set(DIGITS);
    else if (KEYS.has(c)) keys = new Set([c]);
    else if (c === '[') {
      const close = part.indexOf(']', i + 1);
      if (close < 0) throw new DialPlanError(map, at, 'unclosed "["');
      keys = parseSet(part.slice(i + 1, close), map, at + 1);
      i = close;
    } else throw new DialPlanError(map, at, `unexpected "${c}"`);
    elements.push({ keys, repeat: false, secondToneBefore: secondTone });
    secondTone = false;
  }
  if (elements.length === 0) throw new DialPlanError(map, offset, 'empty pattern');
  return { source: part, elements, timer };
}

function parseSet(body: string, map: string, offset: number): Set<string> {
  const keys = new Set<string>();
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (!KEYS.has(c)) throw new DialPlanError(map, offset + i, `"${c}" is not a key in a [set]`);
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const end = body[i + 2]!;
      if (!DIGITS.includes(c) || !DIGITS.includes(end) || end < c) throw new DialPlanError(map, offset + i, `bad range "${c}-${end}"`);
      for (let d = Number(c); d <= Number(end); d++) keys.add(String(d));
      i += 2;
    } else keys.add(c);
  }
  if (keys.size === 0) throw new DialPlanError(map, offset, 'empty [set]');
  return keys;
}

interface WalkResult {
  /** Some position is still reachable: the digits so far are a prefix of a match. */
  alive: boolean;
  /** The end of the pattern is reachable: the digits so far are a whole match. */
  accepts: boolean;
  /** More keys could be consumed from some reachable position. */
  canExtend: boolean;
  positions: number[];
}

/** Thompson-style simulation: the set of element positions reachable after each key. */
function walk(p: Pattern, dialled: string): WalkResult {
  const n = p.elements.length;
  let current = closure(p, [0]);
  for (const key of dialled) {
    const next: number[] = [];
    for (const i of current) {
      const e = p.elements[i];
      if (!e || !e.keys.has(key)) continue;
      next.push(e.repeat ? i : i + 1);
    }
    current = closure(p, next);
    if (current.length === 0) return { alive: false, accepts: false, canExtend: false, positions: [] };
  }
  return { alive: true, accepts: current.includes(n), canExtend: current.some((i) => i < n), positions: current };
}

/** Positions reachable without a key: a repeated element may be skipped. */
function closure(p: Pattern, start: number[]): number[] {
  const seen = new Set<number>();
  const stack = [...start];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    if (p.elements[i]?.repeat) stack.push(i + 1);
  }
  return [...seen].sort((a, b) => a - b);
}
