/**
 * Intercom / auto-answer requests in an INVITE (issue 5 §10), in the forms PBXs
 * send them. Returns the delay in seconds the caller asked for, or undefined
 * when the INVITE does not ask to be answered automatically:
 * - `Call-Info: <…>;answer-after=N` (Asterisk, FreePBX paging; draft-ietf-sip-answermode's predecessor);
 * - `Alert-Info: <…>;info=alert-autoanswer` (Cisco/BroadSoft), `;answer-after=N`, or the text `Auto Answer` (Polycom);
 * - `Answer-Mode: Auto` (RFC 5373).
 * Whether to honour it (config, trusted source) is the caller's decision.
 */
export function autoAnswerDelay(headers: { getAll(name: string): string[] }): number | undefined {
  for (const value of [...headers.getAll('Call-Info'), ...headers.getAll('Alert-Info')]) {
    const m = /;\s*answer-after\s*=\s*(\d{1,3})/i.exec(value);
    if (m) return Number(m[1]);
    if (/info\s*=\s*"?alert-autoanswer/i.test(value) || /\bauto[\s-]?answer\b/i.test(value)) return 0;
  }
  for (const value of headers.getAll('Answer-Mode')) if (/^\s*auto\b/i.test(value)) return 0;
  return undefined;
}
