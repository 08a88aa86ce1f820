import type { DigitMap } from './digit-map.js';

export interface RewriteRule {
  /** A regular expression over the dialled number, e.g. `^9(\d+)$`. */
  match: string;
  /** Its replacement, with `$1`… for groups. */
  replace: string;
}

export interface DialPlanOptions {
  digitMap: DigitMap;
  /** After a full match that could still grow (or a `T` pattern). */
  shortTimeoutMs: number;
  /** While more digits are needed. */
  longTimeoutMs: number;
  emergencyNumbers: readonly string[];
  rewrite: readonly RewriteRule[];
}

export type DialAction =
  | { type: 'start-timer'; ms: number }
  | { type: 'stop-timer' }
  /** The outside-line dial tone of a `,` in the map (e.g. after the 9). */
  | { type: 'second-dial-tone' }
  /** Call `number` (after rewriting); `dialled` is what the user keyed. */
  | { type: 'dial'; number: string; dialled: string; emergency: boolean }
  /** The digits cannot become a number in the plan: reorder tone and a message. */
  | { type: 'invalid'; dialled: string };

/**
 * One round of dialling from off-hook to the moment the number is complete: a
 * pure state machine fed keys and timer expiries, returning what the phone
 * should do (set a timer, play the second dial tone, place the call). The
 * phone owns the timer and calls `timeout()` when it fires.
 *
 * `#` dials at once with what has been keyed, unless the plan uses `#` at this
 * point (a feature code like `*72#`), as desk phones do.
 */
export class DialSession {
  private keyed = '';
  private done = false;

  constructor(private readonly plan: DialPlanOptions) {}

  get digits(): string {
    return this.keyed;
  }

  get finished(): boolean {
    return this.done;
  }

  press(key: string): DialAction[] {
    if (this.done) return [];
    if (key === '#' && this.keyed !== '' && !this.plan.digitMap.accepts(this.keyed, '#')) return this.finish('dial');
    this.keyed += key;
    if (this.plan.emergencyNumbers.includes(this.keyed) && !this.plan.emergencyNumbers.some((n) => n !== this.keyed && n.startsWith(this.keyed))) {
      return this.finish('dial');
    }
    const actions: DialAction[] = [];
    if (this.plan.digitMap.secondDialTone(this.keyed) && !this.plan.digitMap.secondDialTone(this.keyed.slice(0, -1))) {
      actions.push({ type: 'second-dial-tone' });
    }
    return [...actions, ...this.next()];
  }

  /** Deletes the last key (the soft key "<<" on most phones). */
  backspace(): DialAction[] {
    if (this.done || this.keyed === '') return [];
    this.keyed = this.keyed.slice(0, -1);
    return this.keyed === '' ? [{ type: 'stop-timer' }] : this.next();
  }

  /** The inter-digit timer fired. */
  timeout(): DialAction[] {
    if (this.done || this.keyed === '') return [];
    const c = this.plan.digitMap.classify(this.keyed);
    return c.kind === 'complete' || c.kind === 'complete-on-timeout' ? this.finish('dial') : this.finish('invalid');
  }

  private next(): DialAction[] {
    const c = this.plan.digitMap.classify(this.keyed);
    switch (c.kind) {
      case 'complete':
        return this.finish('dial');
      case 'complete-on-timeout':
        return [{ type: 'start-timer', ms: this.plan.shortTimeoutMs }];
      case 'partial':
        return [{ type: 'start-timer', ms: this.plan.longTimeoutMs }];
      case 'invalid':
        return this.finish('invalid');
    }
  }

  private finish(outcome: 'dial' | 'invalid'): DialAction[] {
    this.done = true;
    const dialled = this.keyed;
    if (outcome === 'invalid') return [{ type: 'stop-timer' }, { type: 'invalid', dialled }];
    const emergency = this.plan.emergencyNumbers.includes(dialled);
    return [{ type: 'stop-timer' }, { type: 'dial', number: emergency ? dialled : rewriteNumber(dialled, this.plan.rewrite), dialled, emergency }];
  }
}

/** The first rule whose pattern matches rewrites the number; the rest are not tried (Polycom/Asterisk habit). */
export function rewriteNumber(number: string, rules: readonly RewriteRule[]): string {
  for (const rule of rules) {
    const re = new RegExp(rule.match);
    if (re.test(number)) return number.replace(re, rule.replace);
  }
  return number;
}
