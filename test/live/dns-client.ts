/**
 * A DNS client over UDP for the differential tests: asks a real server (CoreDNS) one question and returns its
 * rcode and records in NetLens's JSON form (`data` as dig prints it), so that both answers compare directly.
 */
import * as dgram from 'node:dgram';
import * as packet from 'dns-packet';
import { canonicalIP } from '../../src/core/ip';
import type { DnsRecord, RecordType } from '../../src/core/resolver';

export interface WireAnswer {
  readonly rcode: string;
  readonly answers: DnsRecord[];
  readonly additional: DnsRecord[];
}

function fqdn(name: string): string {
  return name === '' || name === '.' ? '.' : `${name.toLowerCase().replace(/\.$/, '')}.`;
}

function data(a: packet.Answer): string | null {
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return canonicalIP(String(a.data)) ?? String(a.data);
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return fqdn(String(a.data));
    case 'SRV': {
      const d = a.data as { priority?: number; weight?: number; port?: number; target: string };
      return `${d.priority ?? 0} ${d.weight ?? 0} ${d.port ?? 0} ${fqdn(d.target)}`;
    }
    case 'TXT': {
      const parts = (Array.isArray(a.data) ? a.data : [a.data]) as (Buffer | string)[];
      return parts.map((p) => JSON.stringify(p.toString())).join(' ');
    }
    default:
      return null;
  }
}

function records(list: packet.Answer[] | undefined): DnsRecord[] {
  return (list ?? [])
    .filter((a) => ['A', 'AAAA', 'CNAME', 'PTR', 'NS', 'SRV', 'TXT'].includes(a.type))
    .map((a) => ({ name: fqdn(a.name), type: a.type as RecordType, data: data(a) }));
}

let nextId = 1;

/** One question, one answer; retries on a lost datagram (UDP on loopback rarely loses one). */
export async function ask(server: string, name: string, type: RecordType, timeoutMs = 2000): Promise<WireAnswer> {
  const [host, port] = server.split(':');
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = (nextId = (nextId % 65535) + 1);
    const query = packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ type, name: name.replace(/\.$/, '') }] });
    const reply = await new Promise<packet.Packet | undefined>((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      const timer = setTimeout(() => {
        socket.close();
        resolve(undefined);
      }, timeoutMs);
      socket.on('message', (msg) => {
        const decoded = packet.decode(msg);
        if (decoded.id !== id) return;
        clearTimeout(timer);
        socket.close();
        resolve(decoded);
      });
      socket.on('error', (e) => {
        clearTimeout(timer);
        socket.close();
        reject(e);
      });
      socket.send(query, Number(port), host);
    });
    if (reply) {
      return { rcode: (reply as { rcode?: string }).rcode ?? 'NOERROR', answers: records(reply.answers), additional: records(reply.additionals) };
    }
  }
  throw new Error(`no answer from ${server} for ${name} ${type}`);
}
