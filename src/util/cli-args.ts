/**
 * A command line read with Node's own `util.parseArgs` (no dependency), for check-ocr-queue, ocr-admin and
 * the demo. It is run non-strict so that every mistake gets this project's wording, the same in all three
 * commands: `unknown argument --verbose`, `--env needs a value`, `--json takes no value`. Pure.
 */
import { parseArgs } from 'node:util';

export interface FlagSpec {
  /** `string` takes a value (`--env dev`, `--env=dev`); `boolean` does not. */
  type: 'string' | 'boolean';
  /** May be given more than once; every value is kept, in order. */
  multiple?: boolean;
  /** One-letter form (`-h`). */
  short?: string;
  /**
   * A boolean flag that may be followed by a value (`--watch`, `--watch 2`, `--watch=2`): the next argument
   * is its value when this accepts it.
   */
  optionalValue?: (next: string) => boolean;
}

export interface ReadArgs {
  /** Per flag name: its values in the order given (a boolean flag: `'true'`, or its optional value). */
  flags: Map<string, string[]>;
  positionals: string[];
}

/**
 * Read `argv` against `spec` (flag name without dashes → its kind). `fail(message)` builds the error
 * thrown for a mistake (each command has its own usage error class); `positionals: false` refuses them.
 */
export function readArgs(argv: readonly string[], spec: Record<string, FlagSpec>, fail: (message: string) => Error, opts: { positionals: boolean }): ReadArgs {
  const options = Object.fromEntries(Object.entries(spec).map(([name, s]) => [name, { type: s.type, ...(s.short ? { short: s.short } : {}) }]));
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  const taken = new Set<number>();
  const add = (name: string, value: string) => {
    const s = spec[name]!;
    const seen = flags.get(name) ?? [];
    flags.set(name, s.multiple ? [...seen, value] : [value]);
  };
  for (const [i, t] of tokens.entries()) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      if (taken.has(t.index)) continue;
      if (!opts.positionals) throw fail(`unknown argument ${t.value}`);
      positionals.push(t.value);
      continue;
    }
    const s = spec[t.name];
    if (!s) throw fail(`unknown argument ${t.rawName}`);
    if (s.type === 'string') {
      // parseArgs takes the next argument as the value whatever it looks like; `--env --json` is a missing value.
      if (t.value === undefined || (!t.inlineValue && t.value.startsWith('-'))) throw fail(`${t.rawName} needs a value`);
      add(t.name, t.value);
      continue;
    }
    if (t.inlineValue) {
      if (!s.optionalValue) throw fail(`${t.rawName} takes no value`);
      add(t.name, t.value ?? '');
      continue;
    }
    const next = tokens[i + 1];
    if (s.optionalValue && next?.kind === 'positional' && s.optionalValue(next.value)) {
      taken.add(next.index);
      add(t.name, next.value);
      continue;
    }
    add(t.name, 'true');
  }
  return { flags, positionals };
}

/** The last value given for `name`, if any. */
export function lastValue(read: ReadArgs, name: string): string | undefined {
  return read.flags.get(name)?.at(-1);
}
