/** String hashes for the model's tables: FNV-1a with murmur3's final mix. Pure code. */

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a over the UTF-16 code units of `s`, continuing from `h`. */
function fnv(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** The final mix (murmur3's), so that similar keys (IPs differing in one digit) spread over the table. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit hash of `s` (unsigned). */
export function hashKey(s: string): number {
  return mix(fnv(s, FNV_OFFSET));
}

/** A 32-bit hash of the pair (unsigned). */
export function hashPair(a: string, b: string): number {
  return mix(fnv(b, Math.imul(fnv(a, FNV_OFFSET) ^ 0x2f, 0x01000193)));
}
