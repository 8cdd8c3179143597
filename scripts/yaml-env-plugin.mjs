// An esbuild plugin for the bundles that parse YAML (scripts/build.mjs, scripts/bench.mjs).
//
// The yaml package (2.x) reads `process.env.LOG_TOKENS` for every token its parser takes and `process.env.LOG_STREAM`
// for every document it composes: debugging switches of its own. `process.env` is no plain object in Node but a
// lookup in the process's environment each time, and those reads were 40% of the time `yaml.parseAllDocuments`
// takes on a small manifest. The bundles never turn that logging on, so the plugin writes `false` in their place.
//
// Each read must be found where it is expected: a yaml release that moves or drops one fails the build here, and
// this plugin is then changed or removed, rather than silently doing nothing.
import { readFile } from 'node:fs/promises';

const READS = [
  { file: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/]parse[\\/]parser\.js$/, read: 'node_process.env.LOG_TOKENS' },
  { file: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/]compose[\\/]composer\.js$/, read: 'node_process.env.LOG_STREAM' },
];

export const yamlWithoutEnvReads = {
  name: 'yaml-without-env-reads',
  setup(build) {
    for (const { file, read } of READS) {
      build.onLoad({ filter: file }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!text.includes(read)) {
          return { errors: [{ text: `${args.path} no longer reads ${read}: update scripts/yaml-env-plugin.mjs for this yaml release` }] };
        }
        return { contents: text.replaceAll(read, 'false'), loader: 'js' };
      });
    }
  },
};
