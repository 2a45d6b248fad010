/**
 * Text bound for a terminal must not carry control or escape sequences: a file name or a line from a
 * hostile repository could otherwise rewrite the screen or the window title.
 */
export function sanitize(text: string): string {
  // C0 controls except tab, DEL, C1 controls, and the Unicode bidi overrides.
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
