/** References in manifests: what they are (types.ts), what counts as one (kinds.ts), and the scanner (scan.ts). */

export { KINDS, type KindSpec, kindSpec, mayCreateObjects, type OperatorPods, type OperatorService } from './kinds';
export { scanReferences } from './scan';
export type { Reference, ScanOptions, Subset } from './types';
