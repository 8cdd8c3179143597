/**
 * What a host text is before anything is resolved: a name the pod answers itself, a placeholder another program
 * fills in, or a word that could name a Service.
 */
import * as ipaddr from 'ipaddr.js';
import { parseIP } from '../ip';
import type { LocalReason } from './types';

const LOCAL_NAMES = new Set([
  'localhost',
  'localhost.localdomain',
  'ip6-localhost',
  'ip6-loopback',
  'localhost4',
  'localhost6',
  'localhost4.localdomain4',
  'localhost6.localdomain6',
]);

/**
 * Why a host never reaches the cluster DNS, or undefined. The kubelet writes `localhost`, `ip6-localhost` and
 * `ip6-loopback` into every pod's /etc/hosts, glibc and musl answer `*.localhost` themselves (RFC 6761), and
 * loopback and unspecified addresses stay inside the pod.
 */
export function localReason(host: string): LocalReason | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (LOCAL_NAMES.has(h) || h.endsWith('.localhost')) return 'localhost';
  const ip = parseIP(h.replace(/^\[|\]$/g, ''));
  if (!ip) return undefined;
  const range = ipaddr.parse(ip.text).range();
  if (range === 'loopback') return 'loopback';
  if (range === 'unspecified') return 'unspecified';
  if (ip.family === 6 && ipaddr.IPv6.parse(ip.text).isIPv4MappedAddress()) {
    const v4 = ipaddr.IPv6.parse(ip.text).toIPv4Address().range();
    if (v4 === 'loopback') return 'loopback';
    if (v4 === 'unspecified') return 'unspecified';
  }
  return undefined;
}

/**
 * Placeholders that another program fills in before the text is used: shell and Compose `${VAR}`, Kubernetes'
 * own `$(VAR_NAME)` expansion, Go and Helm `{{ … }}`, Python `%(name)s`, Ruby and Fluentd `%{…}`, URL templates
 * `{name}`, documentation's `<your-service>`, and the `$variable`s of shell, nginx and other config languages.
 * A shell command substitution, `$(redis-cli -h redis -p 6379 ping)`, is a command and not a placeholder: only
 * an identifier in `$(…)` is Kubernetes' expansion.
 */
const PLACEHOLDER =
  /\$\{[^}\n]*\}|\$\([A-Za-z_][A-Za-z0-9_]*\)|\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|%\([A-Za-z0-9_.-]+\)[sdifr]|%\{[^}\n]*\}|#\{[^}\n]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\d|<[A-Za-z_][\w.-]*>|\{[A-Za-z_][\w.-]*\}|@[A-Za-z_][A-Za-z0-9_]*@|__[A-Z][A-Z0-9_]*__/g;

/** The character that stands for a masked placeholder: no scanner pattern matches it. */
export const MASK = '\u0001';

/** The text with every placeholder replaced by as many MASK characters (offsets unchanged). */
export function maskPlaceholders(text: string): string {
  if (!/[$%{<@#_]/.test(text)) return text;
  return text.replace(PLACEHOLDER, (m) => MASK.repeat(m.length));
}

/** A single DNS label as Kubernetes names Services and pods (RFC 1123, lower case). */
export const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Words that fill host-like positions without naming a host (`host: true`, `--server=none`), in lower case.
 * A Service could carry such a name, but a manifest that means one would be read by nobody as a host.
 */
const NOT_HOSTS = new Set([
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'none',
  'null',
  'nil',
  'empty',
  'any',
  'all',
  'auto',
  'default',
  'enabled',
  'disabled',
  'enable',
  'disable',
  'local',
  'self',
  'host',
  'hostname',
  'node',
  'pod',
  'ip',
  'internal',
  'external',
  'public',
  'private',
  'required',
  'optional',
  'memory',
  'disk',
  'file',
  'stdout',
  'stderr',
  'console',
  'inmemory',
  'in-memory',
  'embedded',
  'standalone',
  'cluster',
  'server',
  'client',
  'primary',
  'secondary',
  'master',
  'slave',
  'leader',
  'follower',
  'replica',
  'http',
  'https',
  'tcp',
  'udp',
  'grpc',
  'tls',
  'ssl',
  'plain',
  'plaintext',
  'info',
  'debug',
  'warn',
  'error',
  'test',
  'dev',
  'prod',
  'production',
  'staging',
  'development',
  'example',
  'changeme',
  'unknown',
  'na',
  'tbd',
  'todo',
  'dummy',
  'placeholder',
  'noop',
  'mock',
  'fake',
  'static',
  'dynamic',
  'direct',
  'proxy',
  'kubernetes',
  'k8s',
  'docker',
  'bridge',
  'lo',
  'eth0',
]);

/** Whether a bare word in a host position can be a host name (not a flag value like `true` or `all`). */
export function bareHost(word: string): boolean {
  if (!LABEL.test(word) || /^\d+$/.test(word)) return false;
  return !NOT_HOSTS.has(word);
}

/** A host name of one or more labels, as a pod could look it up (lower or upper case; `_` only in SRV labels). */
export const HOST_NAME = /^(?=.{1,253}\.?$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** URL schemes whose authority is no host: storage buckets, files, sockets, images and secret stores. */
export const NO_HOST_SCHEMES = new Set([
  's3',
  's3a',
  's3n',
  'gs',
  'gcs',
  'az',
  'azblob',
  'wasb',
  'wasbs',
  'abfs',
  'abfss',
  'adl',
  'oss',
  'cos',
  'obs',
  'b2',
  'swift',
  'file',
  'unix',
  'unixgram',
  'unixpacket',
  'npipe',
  'oci',
  'docker',
  'docker-archive',
  'oci-archive',
  'containers-storage',
  'docker-daemon',
  'env',
  'secret',
  'secrets',
  'vault',
  'ref',
  'sqlite',
  'sqlite3',
  'mem',
  'memory',
  'inmem',
  'chrome',
  'about',
  'javascript',
  'data',
  'blob',
  'urn',
  'git+file',
  'hg',
  'svn+file',
  'chart',
  'helm',
  'kustomize',
  // Istio's workload owners (`kubernetes://apis/apps/v1/namespaces/…`), gRPC resolvers' `kubernetes:///svc.ns:port`
  // and `kubernetes://ns/svc`: API paths and namespaces, no host a pod looks up.
  'kubernetes',
  'k8s',
  'configmap',
  'k8s-secret',
  'kubernetes-secret',
  'awssm',
  'gcpsm',
  'azkv',
  'sops',
  'pkcs11',
  'tpm',
  'cel',
  'ipfs',
  'magnet',
  'bitcoin',
  'spiffe',
  'urn',
  'jar',
  'classpath',
  'resource',
  'mailto',
  'tel',
  'sms',
  'xmpp',
  'irc',
]);
