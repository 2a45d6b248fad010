/**
 * `notion-guard pre-receive`: a server's pre-receive hook. Scans only what is new to the server
 * (`<new>… --not --all`: before pre-receive returns, refs are not updated yet) and refuses the whole
 * push if any ref brings a token. Runs inside git's quarantine: the pushed objects are visible to the
 * git children through the environment git gives the hook, and nothing is written, so a refused
 * push leaves no trace in the object store (git-receive-pack(1), "QUARANTINE ENVIRONMENT").
 *
 * A time budget bounds the scan (hosts kill slow hooks: GitHub Enterprise Server after 5 s). When it
 * runs out the push is refused unless the admin chose `--on-timeout allow`.
 */
import { NotionGuardError } from '../errors.js';
import { stopAllGit } from '../git/exec.js';
import { parsePreReceive, preReceiveSets } from '../git/push-ranges.js';
import { configFlag, openRepoForHistory } from '../git/repo.js';
import { redactText } from '../report/redact.js';
import { sanitize } from '../report/sanitize.js';
import type { RunIO } from '../run.js';
import { readHookInput, scanPush, type HookOptions } from './push.js';

/** Named budgets, in seconds: GitHub Enterprise Server kills a pre-receive hook after 5 s. */
export const BUDGET_PRESETS: Readonly<Record<string, number>> = { ghes: 4 };
export const SKIP_OPTION = 'notion-guard.skip';
export const ALLOW_SKIP_CONFIG = 'notion-guard.allowSkip';

export interface ReceiveOptions extends HookOptions {
  budgetMs: number;
  onTimeout: 'refuse' | 'allow';
  /** The server lets `git push -o notion-guard.skip` bypass the scan (also git config notion-guard.allowSkip). */
  allowSkip: boolean;
}

/** `--budget 4`, `--budget 0.5`, `--budget ghes` → milliseconds. */
export function parseBudget(value: unknown): number {
  const v = String(value).trim();
  const preset = BUDGET_PRESETS[v.toLowerCase()];
  if (preset !== undefined) return preset * 1000;
  const n = /^\d+(?:\.\d+)?$/.test(v) ? Number(v) : NaN;
  if (!(n > 0 && n <= 3600)) throw new NotionGuardError('usage', `--budget must be a number of seconds above 0 and at most 3600, or a preset (${Object.keys(BUDGET_PRESETS).join(', ')}); got ${sanitize(redactText(v))}`);
  return n * 1000;
}

/** The push options git hands the hook (only when the server sets receive.advertisePushOptions). */
function pushOptions(env: Record<string, string | undefined>): string[] {
  const count = Number(env.GIT_PUSH_OPTION_COUNT ?? 0);
  const out: string[] = [];
  for (let i = 0; Number.isInteger(count) && i < Math.min(count, 1000); i++) out.push(env[`GIT_PUSH_OPTION_${i}`] ?? '');
  return out;
}

/** Who pushed, as the hosting software tells its hooks; for the bypass log line. */
function pusher(env: Record<string, string | undefined>): string {
  return env.GL_USERNAME || env.GITEA_PUSHER_NAME || env.GITHUB_USER_LOGIN || env.USER || 'unknown user';
}

export async function runPreReceive(opts: ReceiveOptions, io: RunIO): Promise<number> {
  const started = Date.now();
  const updates = parsePreReceive(await readHookInput(io.stdin));
  if (updates.length === 0) return 0; // only deletions: nothing new reaches the server
  const repo = await openRepoForHistory(opts.repo ?? process.cwd());
  const skip = pushOptions(io.env).find((o) => o === SKIP_OPTION || o.startsWith(`${SKIP_OPTION}=`));
  if (skip !== undefined) {
    const why = skip.length > SKIP_OPTION.length ? ` (reason: ${skip.slice(SKIP_OPTION.length + 1)})` : '';
    const who = sanitize(redactText(`${pusher(io.env)}${why}`));
    if (opts.allowSkip || (await configFlag(repo, ALLOW_SKIP_CONFIG))) {
      // Always said, never --quiet-able: a bypass nobody sees is a hole nobody checks.
      const names = updates.slice(0, 10).map((u) => u.ref).join(', ') + (updates.length > 10 ? ', …' : '');
      io.stderr(`notion-guard: SKIPPED: push option ${SKIP_OPTION} from ${who}: ${updates.length === 1 ? '1 ref' : `${updates.length} refs`} accepted without a scan (${sanitize(redactText(names))})\n`);
      return 0;
    }
    io.stderr(`notion-guard: push option ${SKIP_OPTION} ignored: this server does not allow skipping the scan (from ${who})\n`);
  }
  // Once a token is found the push is refused, whatever the clock says later (attributing many refs can be slow).
  let found = false;
  const plan = {
    onFound: () => (found = true),
    mode: 'receive' as const,
    repo,
    updates,
    sets: preReceiveSets(updates),
    perRef: updates.map((u) => [u.sha, '--not', '--all']),
    attributeRevs: preReceiveSets(updates)[0] ?? [],
    configStart: repo.cwd,
    pathBase: repo.cwd,
  };
  // Output stops at the deadline: a report finished after it must not contradict the refusal.
  let open = true;
  const gated: RunIO = { ...io, stdout: (s) => open && io.stdout(s), stderr: (s) => open && io.stderr(s), stdoutIsTTY: false, stderrIsTTY: false };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, opts.budgetMs - (Date.now() - started)));
  });
  try {
    // No .notion-guard.toml or baseline is looked for unless named: in a non-bare server repository
    // the work tree above the hook is pushed content, and must not allowlist the next push.
    const scanOpts = { ...opts, color: false, ...(opts.config === undefined ? { config: false as const } : {}) };
    const outcome = await Promise.race([scanPush(plan, scanOpts, gated), deadline]);
    if (outcome !== 'timeout') return outcome;
  } finally {
    clearTimeout(timer);
  }
  open = false;
  stopAllGit();
  const secs = `${opts.budgetMs / 1000} s`;
  if (found) {
    io.stderr(`notion-guard: push refused: a Notion token was found, and the report did not finish within the time budget of ${secs}\n`);
    return 1;
  }
  if (opts.onTimeout === 'allow') {
    io.stderr(`notion-guard: WARNING: time budget of ${secs} ran out: push ACCEPTED WITHOUT A COMPLETE SCAN (--on-timeout allow)\n`);
    return 0;
  }
  io.stderr(`notion-guard: push refused: the scan did not finish within its time budget of ${secs} (the server's --budget); push fewer commits at a time, or ask the admin\n`);
  return 1;
}
