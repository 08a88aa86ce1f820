/**
 * sipp scenarios more than one test (or bench) plays.
 *
 * pagingCall: a call straight to the phone at 127.0.0.1:port, the way a paging
 * system or intercom calls (issue 5 §10 when `callInfo` is
 * `Call-Info: <sip:…>;answer-after=0\n`), held for `holdMs` after the 200 and
 * ended with BYE; PCMU offered.
 */
export const pagingCall = (port: number, options: { callInfo?: string; answerTimeoutMs?: number; holdMs?: number } = {}): string => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="paging call">
  <send retrans="500"><![CDATA[
INVITE sip:phone@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: "Paging" <sip:page@[local_ip]:[local_port]>;tag=[pid]
To: <sip:phone@127.0.0.1:${port}>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:page@[local_ip]:[local_port]>
${options.callInfo ?? ''}Content-Type: application/sdp
Content-Length: [len]

${sippSdp()}]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" timeout="${options.answerTimeoutMs ?? 2000}"/>
  <send><![CDATA[
ACK sip:phone@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: "Paging" <sip:page@[local_ip]:[local_port]>;tag=[pid]
To: <sip:phone@127.0.0.1:${port}>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Content-Length: 0

]]></send>
  <pause milliseconds="${options.holdMs ?? 300}"/>
  <send retrans="500"><![CDATA[
BYE sip:phone@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: "Paging" <sip:page@[local_ip]:[local_port]>;tag=[pid]
To: <sip:phone@127.0.0.1:${port}>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 BYE
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>`;

/** The PCMU offer sipp sends from its own address and media port ([local_ip], [media_port]); `origin` is o='s user name. */
export const sippSdp = (version = 1, origin = '-') => `v=0
o=${origin} 1 ${version} IN IP4 [local_ip]
s=-
c=IN IP4 [local_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
`;
