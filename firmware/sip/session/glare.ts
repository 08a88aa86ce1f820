/**
 * RFC 3261 §14.1 back-off after a 491 (Request Pending) to our re-INVITE:
 * "If the UAC is the owner of the Call-ID of the dialog ID (meaning it
 * generated the value), T has a randomly chosen value between 2.1 and 4
 * seconds in units of 10 ms. If the UAC is not the owner of the Call-ID of the
 * dialog ID, T has a randomly chosen value of between 0 and 2 seconds in units
 * of 10 ms." The asymmetry makes the two sides retry at different times.
 */
export function glareBackoffMs(ownsCallId: boolean, random: () => number = Math.random): number {
  const [low, high] = ownsCallId ? [210, 400] : [0, 200];
  // Units of 10 ms, inclusive at both ends.
  const steps = low + Math.floor(random() * (high - low + 1));
  return Math.min(high, steps) * 10;
}
