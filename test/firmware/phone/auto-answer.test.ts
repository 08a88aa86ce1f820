import { describe, expect, it } from 'vitest';
import { autoAnswerDelay } from '../../../firmware/phone/auto-answer.js';

const headers = (h: Record<string, string[]>) => ({ getAll: (name: string) => h[name] ?? [] });

describe('intercom requests in an INVITE', () => {
  it.each([
    [{ 'Call-Info': ['<sip:pbx.example.com>;answer-after=0'] }, 0],
    [{ 'Call-Info': ['<http://pbx/x>;purpose=info;answer-after=3'] }, 3],
    [{ 'Alert-Info': ['<http://www.notused.com>;info=alert-autoanswer;delay=0'] }, 0],
    [{ 'Alert-Info': ['Auto Answer'] }, 0],
    [{ 'Alert-Info': ['<http://127.0.0.1/Bellcore-dr1>'] }, undefined],
    [{ 'Answer-Mode': ['Auto;require'] }, 0],
    [{ 'Answer-Mode': ['Manual'] }, undefined],
    [{}, undefined],
  ])('%o → %s', (h, expected) => {
    expect(autoAnswerDelay(headers(h))).toBe(expected);
  });
});
