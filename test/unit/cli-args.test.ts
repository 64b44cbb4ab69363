import { describe, expect, it } from 'vitest';
import { lastValue, readArgs, type FlagSpec } from '../../src/util/cli-args';

class Usage extends Error {}
const SPEC: Record<string, FlagSpec> = {
  env: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  watch: { type: 'boolean', optionalValue: (next) => /^\d+$/.test(next) },
  help: { type: 'boolean', short: 'h' },
};
const read = (argv: string[], positionals = false) => readArgs(argv, SPEC, (m) => new Usage(m), { positionals });

describe('a command line read with util.parseArgs', () => {
  it('takes values after a space or an =, keeps repeated values in order, the last one wins for lastValue', () => {
    const r = read(['--env', 'dev', '--env=prod', '--json', '-h']);
    expect(r.flags.get('env')).toEqual(['dev', 'prod']);
    expect(lastValue(r, 'env')).toBe('prod');
    expect(r.flags.has('json')).toBe(true);
    expect(r.flags.has('help')).toBe(true);
  });

  it('gives a flag with an optional value the next argument only when it accepts it', () => {
    expect(lastValue(read(['--watch', '2']), 'watch')).toBe('2');
    expect(lastValue(read(['--watch=7']), 'watch')).toBe('7');
    expect(lastValue(read(['--watch', '--json']), 'watch')).toBe('true');
    expect(() => read(['--watch', 'soon'])).toThrow(/unknown argument soon/);
    expect(read(['--watch', 'soon'], true).positionals).toEqual(['soon']);
  });

  it('says what is wrong in one wording: unknown flag, missing value, value on a switch, stray word', () => {
    expect(() => read(['--verbose'])).toThrow(new Usage('unknown argument --verbose'));
    expect(() => read(['-x'])).toThrow(new Usage('unknown argument -x'));
    expect(() => read(['--env'])).toThrow(new Usage('--env needs a value'));
    // parseArgs alone would take "--json" as the environment's name.
    expect(() => read(['--env', '--json'])).toThrow(new Usage('--env needs a value'));
    expect(read(['--env=-odd']).flags.get('env')).toEqual(['-odd']);
    expect(() => read(['--json=yes'])).toThrow(new Usage('--json takes no value'));
    expect(() => read(['dev'])).toThrow(new Usage('unknown argument dev'));
  });

  it('keeps words after -- as positionals', () => {
    expect(read(['--', '--json'], true).positionals).toEqual(['--json']);
  });
});
