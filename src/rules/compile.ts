/** Turn validated rules into what the detector runs. */
import { compileCharset } from '../engine/charset.js';
import { Detector, type DetectOptions, type DetectorRule } from '../engine/detect.js';
import type { Rule } from '../types.js';

export function compileRule(rule: Rule): DetectorRule {
  return {
    id: rule.id,
    prefix: rule.prefix,
    bodyLength: rule.bodyLength,
    minBodyLength: rule.minBodyLength,
    charset: compileCharset(rule.bodyCharset),
    minEntropy: rule.minEntropy,
    requireMixedCase: rule.requireMixedCase,
    stopwords: rule.stopwords,
  };
}

export function buildDetector(rules: readonly Rule[], options: Partial<DetectOptions> = {}): Detector {
  return new Detector(rules.map(compileRule), options);
}
