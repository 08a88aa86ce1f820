/**
 * RFC 5761 §4: with rtcp-mux, RTP and RTCP share a port. An RTCP packet's
 * second octet is its packet type, 192–223 in practice (200–204 today); an RTP
 * packet there would have marker + payload type 64–95, which the RTP/AVP
 * profile never assigns for that reason.
 */
export function isRtcpPacket(datagram: Uint8Array): boolean {
  if (datagram.length < 2 || datagram[0]! >> 6 !== 2) return false;
  const pt = datagram[1]!;
  return pt >= 192 && pt <= 223;
}
