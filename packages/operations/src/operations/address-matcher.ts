import { BlockList, isIP } from 'node:net';

/** Whether an address falls inside a set of CIDR ranges (IPv4 and IPv6). */
export interface AddressMatcher {
  /** The ranges, as given. */
  readonly ranges: readonly string[];
  matches(address: string): boolean;
}

/**
 * Parses CIDR ranges (`10.0.0.0/8`, `2001:db8::/32`; a bare address is a /32 or /128) into a
 * matcher. Throws a `RangeError` naming the first bad entry; callers turn it into their own error
 * (a 400 for the admin API, a `ConfigurationError` for config).
 *
 * @example
 * createAddressMatcher(['10.0.0.0/8', '::1']).matches('10.1.2.3'); // true
 */
export function createAddressMatcher(ranges: readonly string[]): AddressMatcher {
  const list = new BlockList();
  ranges.forEach((range, index) => {
    const [address, prefixText, extra] = range.trim().split('/');
    const family = isIP(address ?? '');
    if (family === 0 || extra !== undefined) throw new RangeError(`[${index}] is not an IPv4 or IPv6 address or CIDR range`);
    const maximum = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? maximum : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
    if (!(prefix >= 0 && prefix <= maximum)) throw new RangeError(`[${index}] has a prefix length outside 0..${maximum}`);
    list.addSubnet(normaliseAddress(address!), prefix, family === 4 ? 'ipv4' : 'ipv6');
  });
  return {
    ranges: [...ranges],
    matches(address) {
      const normal = normaliseAddress(address);
      const family = isIP(normal);
      return family !== 0 && list.check(normal, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * An IPv4 client seen through a dual-stack socket arrives as `::ffff:203.0.113.9`; it is matched
 * (and audited) as the IPv4 address it is, or an IPv4 allowlist would never match it.
 */
export function normaliseAddress(address: string): string {
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return mapped === null ? trimmed : mapped[1]!;
}
