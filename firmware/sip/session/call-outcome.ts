/**
 * Final responses and endings as the user reads them on a 2×16 LCD (issue 5
 * point 1: "shown to the user as words, not codes"). The words follow the
 * meaning RFC 3261 §21 gives each status, phrased for a person at a phone.
 */
const WORDS: ReadonlyMap<number, string> = new Map([
  // §21.3 Redirection 3xx that could not be followed
  [300, 'Several choices'],
  [301, 'Number moved'],
  [302, 'Number moved'],
  [305, 'Use proxy'],
  [380, 'Service moved'],
  // §21.4 Request failure 4xx
  [400, 'Call failed'],
  [401, 'Not authorized'],
  [402, 'Payment required'],
  [403, 'Not allowed'],
  [404, 'Number not found'],
  [405, 'Not supported'],
  [406, 'Not acceptable'],
  [407, 'Not authorized'],
  [408, 'No answer'],
  [410, 'Number gone'],
  [413, 'Call too large'],
  [414, 'Address too long'],
  [415, 'Not supported'],
  [416, 'Bad address'],
  [420, 'Not supported'],
  [421, 'Not supported'],
  [422, 'Timer too short'],
  [423, 'Interval too brief'],
  [480, 'Not available'],
  [481, 'Call gone'],
  [482, 'Loop detected'],
  [483, 'Too many hops'],
  [484, 'Incomplete number'],
  [485, 'Ambiguous number'],
  [486, 'Busy'],
  [487, 'Cancelled'],
  [488, 'No common codec'],
  [491, 'Try again'],
  [493, 'Undecipherable'],
  // §21.5 Server failure 5xx
  [500, 'Server error'],
  [501, 'Not supported'],
  [502, 'Network error'],
  [503, 'Service unavailable'],
  [504, 'Network timeout'],
  [505, 'Version not supported'],
  [513, 'Message too large'],
  // §21.6 Global failures 6xx
  [600, 'Busy'],
  [603, 'Declined'],
  [604, 'Number not found'],
  [606, 'Not acceptable'],
]);

/** The words for a final failure response; the class's meaning when the code itself is unknown (§8.1.3.2). */
export function statusWords(status: number): string {
  const known = WORDS.get(status);
  if (known) return known;
  // §8.1.3.2: "A UAC MUST treat any final response it does not recognize as being equivalent to the x00 response code of that class".
  if (status >= 300 && status < 700) return WORDS.get(Math.floor(status / 100) * 100) ?? 'Call failed';
  return 'Call failed';
}

/** Why a call ended or never started, in a form the phone layer can log and show. */
export type CallEndReason =
  /** We hung up (or cancelled, or rejected). */
  | { kind: 'local'; words: string; status?: number }
  /** The other side hung up (BYE) or cancelled before we answered. */
  | { kind: 'remote'; words: string; status?: number }
  /** The call attempt got a final failure response. */
  | { kind: 'rejected'; words: string; status: number }
  /** A protocol or network failure ended it: no ACK, a failed session refresh, a redirect loop. */
  | { kind: 'failed'; words: string; status?: number };

export function rejectedBy(status: number): CallEndReason {
  return { kind: 'rejected', words: statusWords(status), status };
}
