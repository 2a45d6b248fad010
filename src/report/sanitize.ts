/**
 * Text bound for a terminal must not carry control or escape sequences: a file name or a line from a
 * hostile repository could otherwise rewrite the screen or the window title, or reorder what is
 * shown (bidi overrides make `evil.js` read as something else).
 */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function sanitize(text: string): string {
  // C0 controls except tab, DEL, C1 controls, line separators and the Unicode bidi controls.
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Characters JSON.stringify leaves raw that a viewer of the report would act on. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON (and SARIF) text with DEL, C1 controls and bidi characters written as `\\u` escapes: the
 * same value to a parser, but inert in a terminal, a log viewer or a code review. JSON.stringify
 * already escapes C0 controls; outside strings its output is pure ASCII, so this never breaks syntax.
 */
export function escapeJsonText(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
