/**
 * What the language server uses of @kubernetes/client-node, bundled apart as dist/kube-client.js (scripts/build.mjs):
 * the server loads it only when it first reads a cluster.
 */
export { KubeConfig } from '@kubernetes/client-node';
