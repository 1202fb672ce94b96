import { isIPv6 } from 'node:net';
import { digitRunStarts, findAll, findAllAtRuns, hasContext, hasDottedDigits, runAnchored, type PiiDetector, type PiiMatch } from './pii-match.js';

// Local part and labels in any script (IDN: "josé@exämple.de", "用户@例子.广告"), bounded by the
// RFC 5321 lengths (64 for the local part, 63 per label), which also bounds the regex's work per
// start. The local part may start with `_` or a digit as real addresses do.
const emailPattern = /(?<![\p{L}\p{M}\p{N}_.%+-])[\p{L}\p{N}_][\p{L}\p{M}\p{N}._%+-]{0,63}@[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?){0,8}\.(?:\p{L}[\p{L}\p{M}]{1,23}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{M}\p{N}_-])/gu;

export const emailDetector: PiiDetector = {
  type: 'EMAIL',
  detect(text: string): PiiMatch[] {
    return text.includes('@') ? findAll(text, emailPattern, 'EMAIL') : [];
  },
};

const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// A letter before the digits ("v1.2.3.4") is excluded by the look-behind already.
// Begins at a run of digits: see findAllAtRuns.
const ipv4Pattern = runAnchored(new RegExp(`(?<![\\w.])${octet}(?:\\.${octet}){3}(?![\\w]|\\.\\d)`));
const ipv6Pattern = /(?<![\w:.])(?:[0-9A-Fa-f]{1,4}:|::)(?:[0-9A-Fa-f]{0,4}:){1,7}[0-9A-Fa-f]{0,4}(?![\w:])/g;
// Every match of ipv6Pattern holds two colons at most four hex digits apart. Prose has colons
// ("Question: ..."), rarely such pairs: irregexp finds them by scanning for ':' alone, where the
// pattern above runs its look-behind at every character.
const colonPair = /:[0-9A-Fa-f]{0,4}:/;
const versionContext = /\b(?:version|versions|ver|release|build|firmware|package|sdk|update|upgrade|patch|node|npm|pip|python|library|v)\b[^\n]{0,12}$/i;
const networkContext = /\b(?:ip|ips|ipv4|address|addr|host|server|client|gateway|subnet|router|ping|dns|proxy|from|login)\b/i;

export const ipAddressDetector: PiiDetector = {
  type: 'IP_ADDRESS',
  detect(text: string, digitRuns?: readonly number[]): PiiMatch[] {
    const matches: PiiMatch[] = [];
    const runs = digitRuns ?? digitRunStarts(text);
    if (hasDottedDigits(text, runs)) {
      // "1.2.3.4" is a valid address and a valid version: the words before it decide.
      const v4 = findAllAtRuns(text, ipv4Pattern, runs, 'IP_ADDRESS', (value, start) => {
        const before = text.slice(Math.max(0, start - 24), start);
        return !versionContext.test(before) || hasContext(text, start, start + value.length, networkContext, 24, 0);
      });
      matches.push(...v4);
    }
    if (colonPair.test(text)) {
      const v6 = findAll(text, ipv6Pattern, 'IP_ADDRESS', (value) => {
        if (!isIPv6(value)) return false;
        const groups = value.split(':').filter((group) => group.length > 0).length;
        return groups >= 3 || (value.includes('::') && groups >= 2);
      });
      matches.push(...v6);
    }
    return matches;
  },
};
