/**
 * The language of `netlens`: `--locale LANG` anywhere on the command line, else the environment in POSIX order
 * (`LC_ALL`, then `LC_MESSAGES`, then `LANG`: the first that is set and not empty decides; `C` and `POSIX` are
 * English). Machine formats (JSON, SARIF, JUnit, workflow commands) stay English unless `--locale` is given: tools
 * and scripts read them, and a message that changes with the shell of whoever runs CI would make them unstable.
 */

export interface LocaleChoice {
  /** The arguments without `--locale`. */
  readonly args: string[];
  readonly locale: string | undefined;
  /** Whether `--locale` chose it (machine formats follow only that). */
  readonly explicit: boolean;
}

/** Takes `--locale LANG` or `--locale=LANG` out of the arguments (up to a `--`); a `--locale` without a value is an error. */
export function chooseLocale(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): LocaleChoice | { readonly error: string } {
  const args: string[] = [];
  let locale: string | undefined;
  let explicit = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (a === '--locale' || a.startsWith('--locale=')) {
      const value = a === '--locale' ? argv[++i] : a.slice('--locale='.length);
      if (value === undefined || value === '' || value.startsWith('-')) return { error: '--locale takes a language, such as es, zh-CN or ko' };
      locale = value;
      explicit = true;
      continue;
    }
    args.push(a);
  }
  if (!explicit) locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  return { args, locale, explicit };
}
