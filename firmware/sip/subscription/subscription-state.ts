/**
 * The Subscription-State header field (RFC 6665 §8.2.3, §4.1.3):
 *
 *   Subscription-State = substate-value *( SEMI subexp-params )
 *   substate-value     = "active" / "pending" / "terminated" / extension-substate
 *   subexp-params      = ("reason" EQUAL event-reason-value) / ("expires" EQUAL delta-seconds)
 *                        / ("retry-after" EQUAL delta-seconds) / generic-param
 */
export type SubscriptionStateValue = 'active' | 'pending' | 'terminated';

export interface SubscriptionStateHeader {
  state: SubscriptionStateValue;
  expires?: number;
  reason?: string;
  retryAfter?: number;
}

/**
 * Reads the header; undefined when it is missing or empty, which makes the NOTIFY malformed (RFC 6665
 * §4.1.3: "NOTIFY requests MUST contain Subscription-State header fields") — the caller answers 400.
 */
export function parseSubscriptionState(value: string | undefined): SubscriptionStateHeader | undefined {
  if (value === undefined) return undefined;
  const [head, ...params] = value.split(';');
  const token = head!.trim().toLowerCase();
  if (token === '') return undefined;
  // An extension-substate is read as active: the notifier sent state, so the subscription lives; losing it to
  // a vendor's extension token would silence the lamp until the next refresh.
  const state: SubscriptionStateValue = token === 'pending' || token === 'terminated' ? token : 'active';
  const out: SubscriptionStateHeader = { state };
  for (const p of params) {
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const raw = eq < 0 ? '' : p.slice(eq + 1).trim();
    if (name === 'reason' && raw !== '') out.reason = raw.toLowerCase();
    else if ((name === 'expires' || name === 'retry-after') && /^\d{1,10}$/.test(raw)) {
      if (name === 'expires') out.expires = Number(raw);
      else out.retryAfter = Number(raw);
    }
  }
  return out;
}
