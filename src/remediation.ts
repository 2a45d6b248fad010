/**
 * What to tell the person whose scan found a token, fitted to the situation. All wording lives here
 * (and in messages.ts), so the block message can be reviewed in one place.
 */
import type { Committed, Finding, ScanMode } from './types.js';
import { sanitize } from './report/sanitize.js';
import { redactText } from './report/redact.js';

/**
 * Where integration secrets are managed. Notion moved this page from notion.so/my-integrations to
 * notion.so/profile/integrations (Settings → Connections → Develop or manage connections); newer
 * workspaces also reach it from the developer portal. Keep the URL here and nowhere else.
 */
export const INTEGRATIONS_URL = 'https://www.notion.so/profile/integrations';

/** The idiom for reading a secret from the environment, by file type, where it is obvious. */
export function envIdiom(file: string): string | undefined {
  const path = file.replace(/\\/g, '/');
  const base = path.split('/').pop() ?? path;
  const lower = base.toLowerCase();
  const ext = base.includes('.') ? lower.slice(lower.lastIndexOf('.')) : '';
  // Templates are meant to be committed: the value goes, the file stays.
  if (isTemplate(base)) return 'this file is meant to be committed: replace the value with a placeholder (NOTION_TOKEN=)';
  if (isEnvFile(path)) return undefined;
  if (/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return '${{ secrets.NOTION_TOKEN }}, stored under Settings → Secrets and variables → Actions';
  if (lower === '.gitlab-ci.yml') return '$NOTION_TOKEN from a masked CI/CD variable (Settings → CI/CD → Variables)';
  if (/(^|\/)\.circleci\/config\.ya?ml$/.test(path)) return '$NOTION_TOKEN from a project environment variable or a context';
  if (lower === 'bitbucket-pipelines.yml') return '$NOTION_TOKEN from a secured repository variable';
  if (lower === 'jenkinsfile') return "withCredentials([string(credentialsId: 'notion-token', variable: 'NOTION_TOKEN')])";
  if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(lower)) return 'environment: NOTION_TOKEN: ${NOTION_TOKEN} (from the shell or an untracked .env), or a compose secret';
  if (/(^|\/)(k8s|kubernetes|manifests|helm|charts|deploy)\//i.test(path) && /\.ya?ml$/.test(ext)) {
    return 'a Kubernetes Secret created outside git (kubectl create secret, sealed-secrets or an external secret store), read with env.valueFrom.secretKeyRef';
  }
  if (/^(mcp|\.mcp)\.json$/.test(lower) || lower === 'claude_desktop_config.json' || /(^|\/)\.(cursor|vscode)\/mcp\.json$/.test(path)) {
    return 'set NOTION_TOKEN in the environment the MCP client starts the server with (an env or input reference where the client supports one, e.g. ${env:NOTION_TOKEN}), and keep a config that must hold it out of git';
  }
  const byExt: Record<string, string> = {
    '.js': 'process.env.NOTION_TOKEN',
    '.mjs': 'process.env.NOTION_TOKEN',
    '.cjs': 'process.env.NOTION_TOKEN',
    '.jsx': 'process.env.NOTION_TOKEN',
    '.ts': 'process.env.NOTION_TOKEN',
    '.tsx': 'process.env.NOTION_TOKEN',
    '.py': 'os.environ["NOTION_TOKEN"]',
    '.ipynb': 'os.environ["NOTION_TOKEN"], then clear the outputs too (jupyter nbconvert --clear-output --inplace), since they keep printed values',
    '.rb': 'ENV.fetch("NOTION_TOKEN")',
    '.go': 'os.Getenv("NOTION_TOKEN")',
    '.rs': 'std::env::var("NOTION_TOKEN")',
    '.java': 'System.getenv("NOTION_TOKEN")',
    '.kt': 'System.getenv("NOTION_TOKEN")',
    '.cs': 'Environment.GetEnvironmentVariable("NOTION_TOKEN")',
    '.php': "getenv('NOTION_TOKEN')",
    '.sh': '"$NOTION_TOKEN"',
    '.bash': '"$NOTION_TOKEN"',
    '.zsh': '"$NOTION_TOKEN"',
    '.yml': 'an environment variable read by whatever loads this file (or your CI\'s secret store)',
    '.yaml': 'an environment variable read by whatever loads this file (or your CI\'s secret store)',
    '.json': 'an environment variable read by the code that loads this file',
    '.toml': 'an environment variable read by the code that loads this file',
  };
  if (base === 'Dockerfile' || lower.endsWith('.dockerfile')) return 'a build secret (RUN --mount=type=secret) or a runtime -e NOTION_TOKEN';
  // Prose: a real token never belongs there, and there is no code to read the environment.
  if (['.md', '.markdown', '.mdx', '.txt', '.rst', '.adoc', '.html'].includes(ext)) return 'replace the token with a placeholder (e.g. ntn_your_token_here): docs never need a real one';
  return byExt[ext];
}

const isTemplate = (base: string): boolean => /^\.env\.(example|sample|template|dist|defaults)$/i.test(base) || /\.(example|sample|template)$/i.test(base);

/** A file of real environment values (.env, .env.local, prod.env, direnv's .envrc): it belongs on disk, not in git. */
export function isEnvFile(file: string): boolean {
  const base = file.replace(/\\/g, '/').split('/').pop() ?? file;
  return !isTemplate(base) && (/^\.env(\..+)?$/i.test(base) || /^\.envrc$/.test(base) || /^[^.].*\.env$/i.test(base));
}

/** A .gitignore line that ignores exactly this repository path (anchored; glob characters escaped). */
function ignoreLine(path: string): string {
  return `/${path.replace(/[\\*?[\]!#]/g, '\\$&').replace(/ $/, '\\ ')}`;
}

/** The file a command acts on: for a token inside an archive, the archive itself. */
function fileOf(f: Finding): string {
  return f.member && f.file.endsWith(`!${f.member}`) ? f.file.slice(0, f.file.length - f.member.length - 1) : f.file;
}

/** Files named in commands; the rest are in the report above. */
const MAX_FILES = 20;

/** A path as one shell word, so the printed command works when pasted. */
export function shellWord(p: string): string {
  const word = /^[A-Za-z0-9_./@%+=:,-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`;
  // A name that looks like an option must not be read as one.
  return p.startsWith('-') ? `./${word}` : word;
}

export interface AdviceContext {
  hasHead?: boolean;
  /** push: commits at the tip of a pushed ref. */
  pushTips?: ReadonlySet<string>;
  /** staged: tokens already in history, by secret. */
  committed?: ReadonlyMap<string, Committed>;
  /** Rotation steps by rule id (rule data: `rotate` in the rule file). */
  rotation?: ReadonlyMap<string, readonly string[]>;
}

/** Rotation steps for the kinds of token found, each kind once, indented under a numbered step. */
function rotationLines(findings: readonly Finding[], ctx: AdviceContext, indent: string): string[] | undefined {
  const kinds = [...new Set(findings.map((f) => f.ruleId))];
  const steps = kinds.map((k) => ctx.rotation?.get(k)).filter((x): x is readonly string[] => x !== undefined && x.length > 0);
  if (steps.length < kinds.length) return undefined;
  return steps.flat().map((l) => `${indent}${sanitize(l)}`);
}

/** The files, as words of a command to paste (the first MAX_FILES; the rest are in the report). */
function shellArgs(files: readonly string[]): string {
  return files.slice(0, MAX_FILES).map((f) => shellWord(sanitize(f))).join(' ');
}

/**
 * What to do with each file: an env file keeps its value on disk and leaves git (untrack it,
 * ignore it); any other file loses the token and reads it from where that kind of file should.
 */
function fileSteps(files: readonly string[]): string[] {
  const lines: string[] = [];
  for (const f of files.slice(0, MAX_FILES).map((x) => sanitize(x))) {
    if (isEnvFile(f)) {
      lines.push(`       ${f}: keep your local copy, but take it out of git: git rm --cached ${shellWord(f)} && printf '%s\\n' ${shellWord(ignoreLine(f))} >> .gitignore`);
      continue;
    }
    lines.push(`       ${f}: ${envIdiom(f) ?? 'delete the token and load it at run time from the environment or a secret store'}`);
  }
  if (files.length > MAX_FILES) lines.push(`       (and ${files.length - MAX_FILES} more, listed above)`);
  return lines;
}

/** What to stage after the fix: the edited files, and .gitignore when an env file left git. */
function restaged(files: readonly string[]): string[] {
  const edited = files.filter((f) => !isEnvFile(f));
  return edited.length < files.length ? [...edited, '.gitignore'] : edited;
}

function stagedAdvice(fresh: readonly Finding[], ctx: AdviceContext, rotate: readonly string[], others: boolean): string[] {
  const lines: string[] = [];
  const files = [...new Set(fresh.map(fileOf))];
  const n = new Set(fresh.map((f) => f.secret)).size;
  const subject = others ? (n === 1 ? 'The other token is' : 'The other tokens are') : n === 1 ? 'This token is' : 'These tokens are';
  lines.push(`${subject} not committed yet. To fix the commit:`);
  lines.push('  1. Take the token out of what you commit:', ...fileSteps(files));
  const args = shellArgs(files);
  lines.push(`  2. Then stage the fix: git add ${shellArgs(restaged(files))}`);
  // Before the first commit there is no HEAD to restore from.
  lines.push(ctx.hasHead === false ? `     or unstage everything named above: git rm --cached ${args}` : `     or unstage everything named above: git restore --staged ${args}`);
  if (files.length > MAX_FILES) lines.push(`     (commands name the first ${MAX_FILES} of ${files.length} files; the others are in the report above)`);
  const steps = rotationLines(fresh, ctx, '     ');
  if (fresh.every((f) => f.verification?.status === 'invalid')) lines.push('  3. No rotation needed: Notion rejected the token (revoked or never valid).');
  else if (steps) lines.push('  3. Rotate it if it was ever pasted or shared anywhere else (then update every deployment that uses it):', ...steps);
  else lines.push(`  3. ${rotate[0]}`, `  ${rotate[1]}`, '     Do it anyway if the token was ever pasted or shared anywhere else.');
  return lines;
}

/** A staged token that an earlier commit (made with --no-verify, or before the hook) already holds. */
function committedAdvice(found: readonly Finding[], ctx: AdviceContext, rotate: readonly string[]): string[] {
  const lines: string[] = [];
  const where = new Map<string, Committed>();
  for (const f of found) where.set(f.secret, ctx.committed!.get(f.secret)!);
  const all = [...where.values()];
  const pushed = all.filter((c) => c.pushedTo);
  const shas = [...new Set(all.map((c) => c.sha))].join(', ');
  const files = [...new Set(found.map(fileOf))];
  const steps = rotationLines(found, ctx, '     ') ?? [`     ${rotate[0]}`, `     ${rotate[1]}`];
  const one = where.size === 1;
  if (pushed.length > 0) {
    lines.push(`ALREADY PUSHED: ${one ? 'this token is' : `${where.size} tokens are`} in commit ${shas}, which is on ${sanitize(redactText(pushed[0]!.pushedTo!))}. Anyone who can read`);
    lines.push('the repository may have it: rotate first.');
    lines.push('  1. Rotate it now, then update every deployment that uses it:', ...steps);
    lines.push('  2. Take it out of what you commit:', ...fileSteps(files));
    lines.push('  3. After rotating, purge it from history: git filter-repo --replace-text <file listing the token>,');
    lines.push('     force-push every branch and tag, and ask everyone to re-clone. Rotation is what protects you.');
  } else {
    const last = all.every((c) => c.isHead);
    lines.push(`ALREADY COMMITTED: ${one ? 'this token is' : `${where.size} tokens are`} in commit ${shas} (not pushed yet), not only in this change.`);
    lines.push('  1. Rotate it if it was ever pasted or shared anywhere else:', ...steps);
    lines.push('  2. Take it out of what you commit:', ...fileSteps(files));
    if (last) lines.push(`  3. Stage the fix and rewrite that commit before pushing: git commit --amend (${shas} is your last commit).`);
    else {
      // A fixup commit folded in by an autosquash rebase: no stash to lose work in, and nothing
      // for the rebase to refuse. An env file is moved out of the way first: the older commits
      // still hold it, and replaying them would write over (then delete) the local copy.
      const oldest = all[0]!;
      const env = files.filter(isEnvFile);
      const keep = (e: string): string => shellWord(`../${e.split('/').pop()}.keep`);
      lines.push(`  3. Fold the fix into ${oldest.sha} before pushing (it is not your last commit), in this order:`);
      if (env.length > 0) lines.push(`       ${env.map((e) => `mv ${shellWord(sanitize(e))} ${keep(sanitize(e))}`).join(' && ')}   # your values, out of the rewrite's way`);
      lines.push(`       (step 2, then stage only the fix: git add ${shellArgs(restaged(files))})`);
      lines.push(`       git commit --fixup=${oldest.sha}`);
      lines.push(`       GIT_SEQUENCE_EDITOR=: git rebase -i --autosquash ${oldest.isRoot ? '--root' : `${oldest.sha}~1`}`);
      if (env.length > 0) lines.push(`       ${env.map((e) => `mv ${keep(sanitize(e))} ${shellWord(sanitize(e))}`).join(' && ')}`);
    }
  }
  return lines;
}

/** pre-push: the token is in local commits the push would have sent; nothing left the machine. */
function pushAdvice(findings: readonly Finding[], ctx: AdviceContext, rotate: readonly string[]): string[] {
  const lines: string[] = [];
  const files = [...new Set(findings.filter((f) => !f.file.startsWith('(')).map(fileOf))];
  const shas = [...new Set(findings.map((f) => f.commit?.sha).filter((x): x is string => x !== undefined))];
  const short = (sha: string): string => sha.slice(0, 12);
  lines.push('The push was stopped: the token is committed but not pushed yet.');
  const steps = rotationLines(findings, ctx, '     ');
  if (steps) lines.push('  1. Rotate it if it was ever pasted or shared anywhere else:', ...steps);
  else lines.push('  1. Rotate it if it was ever pasted or shared anywhere else:', `     ${rotate[0]}`, `     ${rotate[1]}`);
  lines.push('  2. Remove it from the code and read it from the environment instead:', ...(files.length ? fileSteps(files) : ['       (it is in a commit or tag message or header: reword the message, or fix the author with git commit --amend --reset-author)']));
  const tip = shas.length > 0 && shas.every((s) => ctx.pushTips?.has(s));
  if (tip) lines.push(`  3. Rewrite that commit: git commit --amend (${shas.map(short).join(', ')} is the tip you are pushing).`);
  else {
    // The oldest commit is unknown here (findings are sorted by path); the first named is enough to start a rebase from.
    const first = shas[0] ? short(shas[0]) : '<commit>';
    lines.push(`  3. Rewrite history: git rebase -i ${first}~1, mark ${shas.length > 1 ? `each of ${shas.map(short).join(', ')}` : first} as "edit",`);
    lines.push('     remove the token, git commit --amend, then git rebase --continue.');
  }
  lines.push('  4. Push again.');
  return lines;
}

export function remediation(mode: ScanMode, findings: readonly Finding[], ctx: AdviceContext = {}): string[] {
  if (findings.length === 0) return [];
  const lines: string[] = [];
  const live = findings.filter((f) => f.verification?.status === 'live');
  if (live.length > 0) {
    lines.push(`URGENT: ${live.length === 1 ? 'a token is' : `${live.length} tokens are`} LIVE. Rotate first, at ${INTEGRATIONS_URL}:`);
    const seen = new Set<string>();
    for (const f of live) {
      const v = f.verification!;
      const name = v.bot ? `integration "${sanitize(v.bot)}"` : v.person ? `the personal access token of "${sanitize(v.person)}"` : 'the integration that owns it';
      const label = `${name}${v.workspace ? ` in workspace "${sanitize(v.workspace)}"` : ''}`;
      if (!seen.has(label)) lines.push(`  - ${label} (${sanitize(f.file)}:${f.line})`);
      seen.add(label);
    }
    lines.push('');
  }
  const dead = findings.filter((f) => f.verification?.status === 'invalid').length;
  if (dead > 0) {
    lines.push(`${dead === 1 ? 'One token was' : `${dead} tokens were`} rejected by Notion (already revoked): no rotation needed, but remove ${dead === 1 ? 'it' : 'them'} from the code.`);
    lines.push('');
  }
  const rotate = [
    `Rotate: open ${INTEGRATIONS_URL}, select the integration, and refresh its secret`,
    '   (the old one stops working at once), then update every deployment that uses it.',
  ];
  if (mode === 'staged') {
    const inHistory = findings.filter((f) => ctx.committed?.has(f.secret));
    const fresh = findings.filter((f) => !ctx.committed?.has(f.secret));
    if (inHistory.length > 0) lines.push(...committedAdvice(inHistory, ctx, rotate));
    if (fresh.length > 0) lines.push(...stagedAdvice(fresh, ctx, rotate, inHistory.length > 0));
  } else if (mode === 'push') {
    lines.push(...pushAdvice(findings, ctx, rotate));
  } else if (mode === 'history') {
    lines.push('These tokens are in git history: treat them as compromised.');
    const steps = rotationLines(findings, ctx, '     ');
    if (steps) lines.push('  1. Rotate each one, then update every deployment that uses it:', ...steps);
    else lines.push(`  1. ${rotate[0]}`, `  ${rotate[1]}`);
    lines.push('  2. Remove them from the code (load them from the environment or a secret manager).');
    lines.push('  3. Optionally purge history: git filter-repo --replace-text <file listing the tokens>,');
    lines.push('     then force-push every branch and tag, and ask everyone to re-clone.');
    lines.push('     Rotation is what protects you: purging does not recall copies already fetched.');
  } else {
    lines.push('Treat any token that was committed, shared or uploaded as compromised.');
    const steps = rotationLines(findings, ctx, '     ');
    if (steps) lines.push('  1. Rotate it, then update every deployment that uses it:', ...steps);
    else lines.push(`  1. ${rotate[0]}`, `  ${rotate[1]}`);
    lines.push('  2. Remove it from the file and read it from the environment or a secret manager instead.');
  }
  lines.push('False positive? Add "notion-guard:allow" in a comment on that line, an allowlist entry in');
  lines.push(
    mode === 'staged' || mode === 'dir'
      ? '  .notion-guard.toml ([allowlist] paths/regexes/stopwords), or accept it from the repository root:'
      : '  .notion-guard.toml ([allowlist] paths/regexes/stopwords), or accept them all: notion-guard baseline',
  );
  if (mode === 'staged' || mode === 'dir') {
    lines.push(`  notion-guard baseline ${shellArgs([...new Set(findings.map(fileOf))])} (adds to .notion-guard-baseline.json, which every scan reads).`);
  }
  if (mode === 'staged') {
    lines.push('Last resort only: git commit --no-verify skips this check (the token then lands in history).');
  }
  if (mode === 'push') {
    lines.push('Last resort only: git push --no-verify skips this check (the token then reaches the remote, where a server hook may still refuse it).');
  }
  return lines;
}
