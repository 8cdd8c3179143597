/**
 * Which ConfigMaps and Secrets a pod spec reads: by environment variables (`configMapKeyRef`, `secretKeyRef`,
 * `envFrom`) and by volumes (`configMap`, `secret`, `projected` sources), in every container, init container and
 * ephemeral container. A reference written in a ConfigMap is a connection that the pods reading it make.
 */
import { arr, type Json, obj, str } from '../reduce';

export interface ConfigRef {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
}

export function configRefsOf(podSpec: Json | undefined): ConfigRef[] {
  const out = new Map<string, ConfigRef>();
  const add = (kind: ConfigRef['kind'], name: unknown) => {
    if (typeof name === 'string' && name !== '') out.set(`${kind}/${name}`, { kind, name });
  };
  if (!podSpec) return [];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of arr(podSpec[list]).map(obj)) {
      for (const e of arr(c?.env).map(obj)) {
        const from = obj(e?.valueFrom);
        add('ConfigMap', obj(from?.configMapKeyRef)?.name);
        add('Secret', obj(from?.secretKeyRef)?.name);
      }
      for (const e of arr(c?.envFrom).map(obj)) {
        add('ConfigMap', obj(e?.configMapRef)?.name);
        add('Secret', obj(e?.secretRef)?.name);
      }
    }
  }
  for (const v of arr(podSpec.volumes).map(obj)) {
    add('ConfigMap', obj(v?.configMap)?.name);
    add('Secret', str(obj(v?.secret)?.secretName));
    for (const s of arr(obj(v?.projected)?.sources).map(obj)) {
      add('ConfigMap', obj(s?.configMap)?.name);
      add('Secret', obj(s?.secret)?.name);
    }
  }
  return [...out.values()];
}
