/** `notion-guard verify [TOKEN…]`: check tokens live; with none given, read them from stdin. */
import { NotionGuardError } from '../errors.js';
import { secretId } from '../fingerprint.js';
import { redact, redactVerification } from '../report/redact.js';
import { describeVerification } from '../report/text.js';
import { escapeJsonText, sanitize } from '../report/sanitize.js';
import type { CommonOptions, RunIO } from '../run.js';
import { writeAtomic } from '../output.js';
import { verifyTokens } from '../verify/index.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

async function readTokens(io: RunIO): Promise<string[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of io.stdin) {
    size += c.length;
    if (size > 1024 * 1024) throw new NotionGuardError('usage', 'verify: standard input is over 1 MiB; give one token per line');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

export async function runVerify(args: readonly string[], opts: CommonOptions, io: RunIO): Promise<number> {
  if (!opts.verify) throw new NotionGuardError('usage', 'verify: no API settings');
  const tokens = args.length > 0 ? [...args] : await readTokens(io);
  if (tokens.length === 0) throw new NotionGuardError('usage', 'verify: no tokens given (pass them as arguments, or one per line on stdin)');
  for (const t of tokens) {
    if (!/^[\x21-\x7e]{8,512}$/.test(t)) throw new NotionGuardError('usage', `verify: not a token: ${redact(t)}`);
  }
  const results = await verifyTokens(tokens, opts.verify);
  const unique = [...new Set(tokens)];
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
