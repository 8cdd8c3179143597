/**
 * What the palette's Resolve and Find Owner offer to do with an answer: copy it, reveal its Service or pod in the
 * tree or the map. No VS Code API here, so it is tested on its own.
 */
import type { DnsAnswer } from '../core/resolver';
import { podId, serviceId } from '../protocol/ids';

export interface AnswerTarget {
  readonly kind: 'service' | 'pod';
  readonly namespace: string;
  readonly name: string;
}

/** The Service or pod an answer is about: the Service a name resolved through, else the IP's first owner. */
export function answerTarget(answer: DnsAnswer): AnswerTarget | undefined {
  const svc = answer.explanation.service;
  if (svc) return { kind: 'service', namespace: svc.namespace, name: svc.name };
  for (const owner of answer.explanation.owners ?? []) {
    if (!owner.namespace) continue;
    if (owner.kind === 'Pod') return { kind: 'pod', namespace: owner.namespace, name: owner.name };
    if (owner.kind === 'ClusterIP' || owner.kind === 'ExternalIP' || owner.kind === 'LoadBalancerIngress' || owner.kind === 'Endpoint') {
      return { kind: 'service', namespace: owner.namespace, name: owner.name };
    }
  }
  return undefined;
}

/** What Copy copies: the answer's records (addresses for a name, names for an IP), one per line. */
export function answerCopyValue(answer: DnsAnswer): string | undefined {
  const values = [...new Set(answer.answers.map((r) => r.data).filter((d): d is string => !!d))];
  return values.length > 0 ? values.join('\n') : undefined;
}

/** The tree item id of a target (`svc/<ns>/<name>` or `pod/<ns>/<name>`). */
export function targetId(t: AnswerTarget): string {
  return t.kind === 'service' ? serviceId(t.namespace, t.name) : podId(t.namespace, t.name);
}
