/** RFC 3264 §5.1 / RFC 4566 §6 direction attributes, from the point of view of the SDP's author. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export const DIRECTIONS: readonly MediaDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

export function sends(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

export function receives(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

function fromFlags(send: boolean, receive: boolean): MediaDirection {
  if (send && receive) return 'sendrecv';
  if (send) return 'sendonly';
  if (receive) return 'recvonly';
  return 'inactive';
}

/**
 * RFC 3264 §6.1: "If a stream is offered as sendonly, the corresponding stream MUST be marked as recvonly or
 * inactive in the answer. If a media stream is listed as recvonly in the offer, the answer MUST be marked as
 * sendonly or inactive ... If an offered media stream is listed as inactive, it MUST be marked as inactive".
 * The answer is what the offer allows intersected with what we want.
 */
export function answerDirection(offered: MediaDirection, wanted: MediaDirection): MediaDirection {
  return fromFlags(receives(offered) && sends(wanted), sends(offered) && receives(wanted));
}
