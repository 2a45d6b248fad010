/** The library API: the pipeline, for tools that embed notion-guard. */
export type { Candidate, CommitInfo, Finding, Rule, ScanMode, ScanResult, ScanStats, SourceItem, Verification } from './types.js';
export { Detector, type DetectOptions, type DetectorRule } from './engine/detect.js';
export { StreamScanner, scanBuffer, type Positioned } from './engine/stream.js';
export { loadRules, loadRuleFile, parseRuleFile, SHIPPED_RULES } from './rules/load.js';
export { buildDetector, compileRule } from './rules/compile.js';
export { scanItem, scanItems } from './scan.js';
export { directorySource } from './sources/directory.js';
export { stdinSource } from './sources/stdin.js';
export { renderJson } from './report/json.js';
export { renderText } from './report/text.js';
export { redact } from './report/redact.js';
export { fingerprint } from './fingerprint.js';
export { NotionGuardError } from './errors.js';

import { loadRules } from './rules/load.js';
import { buildDetector } from './rules/compile.js';
import { scanBuffer } from './engine/stream.js';

/** Scan a string or buffer with the shipped rules; returns tokens with 1-based line and column. */
export function scanText(text: string | Buffer): { ruleId: string; secret: string; line: number; column: number; encoding?: string }[] {
  const detector = buildDetector(loadRules());
  return scanBuffer(detector, typeof text === 'string' ? Buffer.from(text) : text).map((c) => ({
    ruleId: c.ruleId,
    secret: c.secret,
    line: c.line,
    column: c.column,
    ...(c.encoding ? { encoding: c.encoding } : {}),
  }));
}
