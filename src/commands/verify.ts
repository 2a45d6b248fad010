/**
 * `notion-guard verify [TOKEN…]`: check tokens live; with none given, find them in standard input
 * (`cat .env | notion-guard verify`). Only what a verifiable rule matches in full is sent.
 */
import { NotionGuardError } from '../errors.js';
import { secretId } from '../fingerprint.js';
import { redact, redactVerification, setRedactionDetector } from '../report/redact.js';
import { describeVerification, reachScore } from '../report/text.js';
import { escapeJsonText, sanitize } from '../report/sanitize.js';
import type { CommonOptions, RunIO } from '../run.js';
import { checkOutput, writeAtomic } from '../output.js';
import { refuseDirectoryStdin } from '../sources/stdin.js';
import { verifyTokens } from '../verify/index.js';
import { scanBuffer } from '../engine/stream.js';
import { loadRules, unverifiableReason } from '../rules/load.js';
import { buildDetector } from '../rules/compile.js';
import type { Candidate, Verification } from '../types.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

async function readInput(io: RunIO): Promise<Buffer> {
  if (io.stdin === process.stdin) refuseDirectoryStdin();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of io.stdin) {
    size += c.length;
    if (size > 1024 * 1024) throw new NotionGuardError('usage', 'verify: standard input is over 1 MiB; give it only the lines that hold tokens');
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** A refused argument, named without showing more than its first characters. */
function named(arg: string): string {
  return sanitize(`${[...arg].slice(0, 4).join('')}… (${arg.length} characters)`);
}

export async function runVerify(args: readonly string[], opts: CommonOptions, io: RunIO): Promise<number> {
  if (!opts.verify) throw new NotionGuardError('usage', 'verify: no API settings');
  if (opts.format === 'sarif') throw new NotionGuardError('usage', 'verify: --format sarif is for scans; use text or json');
  if (opts.output) checkOutput(opts.output);
  const rules = loadRules(opts.rules ?? [], []);
  const detector = buildDetector(rules, opts.decodeDepth === undefined ? {} : { decodeDepth: opts.decodeDepth });
  setRedactionDetector(buildDetector(rules, { decodeDepth: Math.max(2, opts.decodeDepth ?? 1) }));
  // Only what a rule matches in full is ever sent: a database URL, another vendor's key or a whole
  // `NAME=value` line never reaches Notion (and the token inside that line is checked on its own).
  const verifiable = new Set(rules.filter((r) => r.verifiable).map((r) => r.id));
  const found: Candidate[] = [];
  if (args.length > 0) {
    // Every argument must be a Notion token, checked before any request is made.
    for (const arg of args) {
      const c = scanBuffer(detector, Buffer.from(arg, 'utf8'));
      // An argument is one token, or one `NAME=token` assignment: nothing else rides along with it.
      const value = arg.trim().replace(/^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=/, '').replace(/^(["'])(.*)\1$/, '$2');
      if (c.length !== 1 || c[0]!.secret !== value) throw new NotionGuardError('usage', `verify: not a Notion token: ${named(arg)}; nothing was sent`);
      found.push(...c);
    }
  } else {
    const text = await readInput(io);
    found.push(...scanBuffer(detector, text));
    if (found.length === 0) throw new NotionGuardError('usage', 'verify: no Notion token found in standard input; nothing was sent');
  }
  const tokens = [...new Set(found.filter((c) => verifiable.has(c.ruleId)).map((c) => c.secret))];
  const notVerifiable = [...new Set(found.filter((c) => !verifiable.has(c.ruleId)).map((c) => c.secret))].filter((t) => !tokens.includes(t));
  const results = tokens.length > 0 ? await verifyTokens(tokens, opts.verify) : new Map<string, Verification>();
  for (const t of notVerifiable) {
    results.set(t, { status: 'unknown', reason: unverifiableReason(t, 'not sent') });
  }
  const score = (t: string): number => {
    const v = results.get(t)!;
    return v.status === 'live' ? 1e9 + reachScore(v.access) : v.status === 'unknown' ? 1 : 0;
  };
  // Live first, the largest reach at the top; then the undecided; the dead last.
  const unique = [...tokens, ...notVerifiable].sort((a, b) => score(b) - score(a));
  let out: string;
  if (opts.format === 'json') {
    out = `${escapeJsonText(JSON.stringify(
      {
        version: 1,
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
        results: unique.map((t) => ({ secret: redact(t, opts.showSecrets), fingerprint: secretId(t), verification: redactVerification(results.get(t)!, [t], opts.showSecrets) })),
      },
      null,
      2,
    ))}\n`;
  } else {
    out = unique.map((t) => `${sanitize(redact(t, opts.showSecrets))}  ${describeVerification(redactVerification(results.get(t)!, [t], opts.showSecrets))}`).join('\n') + '\n';
  }
  if (opts.output) writeAtomic(opts.output, out);
  else if (!opts.quiet) io.stdout(out);
  // 1 when any token may still work (live, or not known to be dead): it needs action.
  return [...results.values()].some((v) => v.status !== 'invalid') ? 1 : 0;
}
