import { isIPv6 } from 'node:net';
import type { PiiSpan } from './pii-types';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\d.])${OCTET}(?:\\.${OCTET}){3}(?!\\.?\\d)`, 'g');
// Loose candidate; node:net decides. Needs two colons, so clock times and ratios drop out below.
// It starts by consuming the character before the address (or the text start) instead of a
// look-behind, which would run at every position of every text.
const IPV6 =
  /(?:^|[^\w:.])((?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?)(?![\w:])/g;
// "version 1.2.3.4" and OIDs are dotted numbers too; a version cue right before rules them out.
const VERSION_CUE = /(?:\bv(?:ersion)?|\bver\.?|\brelease|\bbuild)\s*$/i;

/** Finds IPv4 addresses (each octet 0-255) and IPv6 addresses validated by `node:net`. */
export function detectIpAddresses(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(IPV4)) {
    if (VERSION_CUE.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
    spans.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.9 });
  }
  // Only texts with two colons close together can hold one.
  for (const m of /:[0-9A-Fa-f]{0,4}:/.test(text) ? text.matchAll(IPV6) : []) {
    const value = m[1] ?? '';
    const index = m.index + m[0].length - value.length;
    if (!isIPv6(value)) continue;
    // "::" alone or "a::b" in prose (C++ scopes) are valid IPv6 but not addresses worth hiding.
    const hexDigits = value.replace(/[^0-9A-Fa-f]/g, '').length;
    if (hexDigits < 4 || /^[A-Za-z]+::[A-Za-z]+$/.test(value)) continue;
    spans.push({ type: 'IP_ADDRESS', start: index, end: index + value.length, score: 0.9 });
  }
  return spans;
}
