/**
 * DNS name syntax: normalisation of what a person types into the lower-case, dot-terminated form that DNS
 * compares, with the limits of RFC 1035 (63-octet labels, 255-octet names, so 253 characters of text).
 */

import { dashedIP } from './ip';
import { t } from './l10n';

export const DEFAULT_ZONE = 'cluster.local';
/** The namespace of an object that names none (and of the pod that asks, unless told otherwise). */
export const DEFAULT_NAMESPACE = 'default';

export const MAX_NAME_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;

export type NameErrorCode = 'empty' | 'too-long' | 'label-too-long' | 'empty-label' | 'non-ascii' | 'invalid-character';

export interface NameError {
  readonly code: NameErrorCode;
  readonly message: string;
  /** Offset in the input of the first offending character, when there is one. */
  readonly offset?: number;
}

export interface NormalizedName {
  /** Lower case, ending in a dot. */
  readonly fqdn: string;
  /** The input ended in a dot, so a resolver uses it as is, without the search path. */
  readonly absolute: boolean;
  /** Number of dots in the input, not counting a trailing one (what `ndots` compares). */
  readonly dots: number;
}

export type NameResult = { readonly ok: true; readonly name: NormalizedName } | { readonly ok: false; readonly error: NameError };

/**
 * Normalises a name as a stub resolver would before sending it. Letters, digits, `-`, `_` (SRV labels) and
 * `*` are accepted in labels; anything else is an error with a message a person can act on.
 */
export function normalizeName(input: string): NameResult {
  const text = input.trim();
  if (text === '') return fail('empty', t('The name is empty.'));
  if (text === '.') return { ok: true, name: { fqdn: '.', absolute: true, dots: 0 } };
  const absolute = text.endsWith('.');
  // The body is the text without its trailing dot: one pass checks its characters, counts its dots and notes the
  // first label that is empty or too long, reported only when every character is valid and the length too.
  const length = absolute ? text.length - 1 : text.length;
  let upper = false;
  let dots = 0;
  let start = 0;
  let labelError = -1;
  let labelStart = 0;
  for (let i = 0; i <= length; i++) {
    const c = i === length ? 0x2e : text.charCodeAt(i);
    if (c === 0x2e) {
      const len = i - start;
      if (labelError < 0 && (len === 0 || len > MAX_LABEL_LENGTH)) {
        labelError = i;
        labelStart = start;
      }
      if (i < length) dots++;
      start = i + 1;
      continue;
    }
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2a) continue;
    if (c >= 0x41 && c <= 0x5a) {
      upper = true;
      continue;
    }
    const lead = input.indexOf(text);
    if (c > 0x7f) {
      return fail(
        'non-ascii',
        t('The name contains the non-ASCII character "{0}" at position {1}; DNS names are ASCII (use the punycode form).', text[i]!, i + 1),
        lead + i,
      );
    }
    return fail('invalid-character', t('The name contains {0} at position {1}, which no DNS name holds.', JSON.stringify(text[i]), i + 1), lead + i);
  }
  if (length > MAX_NAME_LENGTH) {
    return fail('too-long', t('The name is {0} characters long; DNS allows at most {1}.', length, MAX_NAME_LENGTH));
  }
  if (labelError >= 0) {
    const lead = input.indexOf(text);
    const i = labelError;
    if (i === labelStart) return fail('empty-label', t('The name has an empty label at position {0} (two dots in a row, or a leading dot).', i + 1), lead + i);
    return fail(
      'label-too-long',
      t('The label "{0}" is {1} characters long; DNS allows at most {2}.', text.slice(labelStart, i), i - labelStart, MAX_LABEL_LENGTH),
      lead + labelStart,
    );
  }
  // Already lower case, the name is its own normal form (with a trailing dot).
  const fqdn = upper ? `${text.slice(0, length).toLowerCase()}.` : absolute ? text : `${text}.`;
  return { ok: true, name: { fqdn, absolute, dots } };
}

/** A cluster domain (zone) that is no DNS name. */
export class InvalidZoneError extends Error {
  constructor(
    readonly zone: string,
    readonly error: NameError,
  ) {
    super(t('Invalid cluster domain "{0}": {1}', zone, error.message));
    this.name = 'InvalidZoneError';
  }
}

/** Normalises a zone parameter (`cluster.local`, `Cluster.Local.`) to lower case without the trailing dot. */
export function normalizeZone(zone: string): string {
  const result = normalizeName(zone);
  if (!result.ok) throw new InvalidZoneError(zone, result.error);
  return result.name.fqdn === '.' ? '' : result.name.fqdn.slice(0, -1);
}

/**
 * Whether `label` is a valid RFC 1123 label, the rule Kubernetes applies to Namespace and Service names
 * (Service names must also start with a letter: see `isDns1035Label`).
 */
export function isDns1123Label(label: string): boolean {
  return label.length > 0 && label.length <= MAX_LABEL_LENGTH && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(label);
}

/** RFC 1035 label: Service names. */
export function isDns1035Label(label: string): boolean {
  return label.length > 0 && label.length <= MAX_LABEL_LENGTH && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(label);
}

/**
 * The names CoreDNS's kubernetes plugin serves, without the trailing dot (add it where DNS compares names). A zone
 * of `''` is the root: the names end in `.svc` and `.pod`.
 */
function inZone(name: string, zone: string): string {
  return zone === '' ? name : `${name}.${zone}`;
}

/** `<namespace>.svc.<zone>`: a namespace's Service domain (the first search domain of its pods). */
export function serviceDomain(namespace: string, zone: string): string {
  return inZone(`${namespace}.svc`, zone);
}

/** `<namespace>.pod.<zone>`: a namespace's pod domain. */
export function podDomain(namespace: string, zone: string): string {
  return inZone(`${namespace}.pod`, zone);
}

/** `<service>.<namespace>.svc.<zone>`: a Service's name. */
export function serviceFqdn(name: string, namespace: string, zone: string): string {
  return `${name}.${serviceDomain(namespace, zone)}`;
}

/** `<hostname>.<service>.<namespace>.svc.<zone>`: an endpoint's name under its Service (a pod's hostname and subdomain). */
export function endpointFqdn(hostname: string, service: string, namespace: string, zone: string): string {
  return `${hostname}.${serviceFqdn(service, namespace, zone)}`;
}

/** `<a-b-c-d>.<namespace>.pod.<zone>`: the pod record of an IP. */
export function podFqdn(ip: string, namespace: string, zone: string): string {
  return `${dashedIP(ip)}.${podDomain(namespace, zone)}`;
}

/** If `fqdn` lies in `zone` (both normalised: fqdn with its dot, zone without), the labels before the zone. */
export function labelsUnder(fqdn: string, zone: string): string[] | undefined {
  if (zone === '') return fqdn === '.' ? [] : fqdn.slice(0, -1).split('.');
  const suffix = `${zone}.`;
  if (fqdn === suffix) return [];
  if (!fqdn.endsWith(`.${suffix}`)) return undefined;
  return fqdn.slice(0, -suffix.length - 1).split('.');
}

function fail(code: NameErrorCode, message: string, offset?: number): NameResult {
  return { ok: false, error: offset === undefined ? { code, message } : { code, message, offset } };
}
