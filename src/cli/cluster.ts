/**
 * What the command line uses of the live cluster: the kubeconfig and the live model, with the Kubernetes client
 * under them. The commands load it only when they read a cluster (`clusterModules` in main.ts), and the bundle
 * keeps it in a file of its own (dist/cli-cluster.js, see scripts/build.mjs): it is most of the command's code,
 * and `netlens check` or `resolve -f` would otherwise compile and run it on every start for nothing.
 */
export { KubeconfigError } from '../cluster/kubeconfig';
export { LiveModel } from '../cluster/live-model';
