/** `notion-guard:allow` anywhere on a line suppresses findings on that line, in any comment syntax. */
export const ALLOW_MARKER = 'notion-guard:allow';

export function lineAllowed(lineText: string): boolean {
  return lineText.includes(ALLOW_MARKER);
}
