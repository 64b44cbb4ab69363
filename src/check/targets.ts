/**
 * Which databases check-ocr-queue looks at. It needs only the database URLs: an operator's shell often
 * has `DEV_DATABASE_URL` and nothing else (no storage, no Redis), which the daemon's full loadConfig()
 * rejects. So the environments are read here with the same option schemas as the daemon, and whatever
 * loadConfig() would still object to is reported as a warning ("the daemon would refuse to start with
 * this environment"), never as a reason not to look at the queue.
 */
import { ConfigError, describeUrl, ENV_NAMES, loadConfig, OPTIONS, type EnvName } from '../config';
import type { TimeBudgets } from '../pool/budget';

export interface CheckTarget {
  env: EnvName;
  /** The URL itself: never print it, print `database`. */
  databaseUrl: string;
  /** host:port/database, safe to print. */
  database: string;
}

export interface TargetResolution {
  targets: CheckTarget[];
  /** Nothing can be checked: a selected environment is not configured, or a URL is invalid. */
  errors: string[];
  /** Configuration the daemon itself would refuse, as seen from this shell. */
  warnings: string[];
}

function optionSchema(name: string) {
  return (OPTIONS as Record<string, { schema: { safeParse(v: unknown): { success: boolean; data?: unknown } } }>)[name]!.schema;
}

function given(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

/**
 * The environments enabled in `env` (E_DATABASE_URL set and OCR_E not false), in service order (prod
 * first), restricted to `only` when given.
 */
export function resolveTargets(env: NodeJS.ProcessEnv, only?: readonly EnvName[]): TargetResolution {
  const errorsOf = new Map<EnvName, string[]>();
  const warnings: string[] = [];
  const targets: CheckTarget[] = [];
  const disabled = new Set<EnvName>();
  const wanted = (name: EnvName) => !only || only.length === 0 || only.includes(name);

  for (const name of ENV_NAMES) {
    const E = name.toUpperCase();
    const rawUrl = given(env, `${E}_DATABASE_URL`);
    const rawFlag = given(env, `OCR_${E}`);
    let enabled = true;
    const errors: string[] = [];
    errorsOf.set(name, errors);
    if (rawFlag !== undefined) {
      const flag = optionSchema(`OCR_${E}`).safeParse(rawFlag);
      if (!flag.success) errors.push(`OCR_${E}=${JSON.stringify(rawFlag)} is invalid: expected true or false`);
      else enabled = flag.data === true;
    }
    if (!rawUrl) continue;
    if (!enabled) {
      disabled.add(name);
      continue;
    }
    const url = optionSchema(`${E}_DATABASE_URL`).safeParse(rawUrl);
    if (!url.success) {
      errors.push(`${E}_DATABASE_URL is invalid: expected a postgres:// or postgresql:// URL (value hidden)`);
      continue;
    }
    const databaseUrl = url.data as string;
    targets.push({ env: name, databaseUrl, database: describeUrl(databaseUrl) });
  }

  // A broken variable of an environment that was not asked for does not stop the others being checked.
  const errors = ENV_NAMES.filter(wanted).flatMap((n) => errorsOf.get(n) ?? []);
  let selected = targets;
  if (only && only.length > 0) {
    for (const name of only) {
      if (targets.some((t) => t.env === name) || (errorsOf.get(name)?.length ?? 0) > 0) continue;
      const E = name.toUpperCase();
      errors.push(
        disabled.has(name)
          ? `${name} is disabled (OCR_${E}=false)`
          : `${name} is not configured: set ${E}_DATABASE_URL`,
      );
    }
    selected = targets.filter((t) => only.includes(t.env));
  } else if (targets.length === 0 && errors.length === 0) {
    errors.push('no environment configured: set DEV_DATABASE_URL, STAGING_DATABASE_URL or PROD_DATABASE_URL');
  }

  try {
    loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) warnings.push(`configuration: ${p} (the daemon would refuse to start with it)`);
  }

  return { targets: selected, errors, warnings };
}

/**
 * The daemon's time budgets as this shell sets them (defaults otherwise): a document running past them
 * is reported. An invalid value falls back to the default; resolveTargets already warns about it.
 */
export function resolveBudgets(env: NodeJS.ProcessEnv): TimeBudgets {
  const read = (name: 'OCR_PAGE_TIMEOUT_MS' | 'OCR_DOCUMENT_TIMEOUT_MS'): number => {
    const parsed = optionSchema(name).safeParse(given(env, name) ?? OPTIONS[name].default);
    return parsed.success ? (parsed.data as number) : Number(OPTIONS[name].default);
  };
  return { pageMs: read('OCR_PAGE_TIMEOUT_MS'), documentMs: read('OCR_DOCUMENT_TIMEOUT_MS') };
}
