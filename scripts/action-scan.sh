#!/usr/bin/env bash
# The GitHub Action's scan step (action.yml), kept as a script so it can be run and tested locally.
# Chooses what to scan from the event: the pushed range on push, the pull request's commits on
# pull_request, full history otherwise (schedule, workflow_dispatch). Writes SARIF for code
# scanning and the text report from one scan, annotations and a job summary; exits 1 on findings
# (2 on errors).
#
# Environment: GITHUB_EVENT_NAME, GITHUB_EVENT_PATH (the event payload), GITHUB_SHA, and
#   NG_CLI      the notion-guard command (default: notion-guard)
#   NG_SARIF    SARIF output file (default: notion-guard.sarif; empty to skip)
#   NG_MODE     auto | history | full (default auto)
#   NG_ARGS     extra arguments (e.g. --verify)
set -uo pipefail

cli=${NG_CLI:-notion-guard}
sarif=${NG_SARIF-notion-guard.sarif}
mode=${NG_MODE:-auto}
event=${GITHUB_EVENT_NAME:-}
zero=0000000000000000000000000000000000000000
range=()

json_field() { # json_field FILE KEY.PATH — read a field from the event payload without jq
  node -e 'const o=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));let v=o;for(const k of process.argv[2].split("."))v=v==null?undefined:v[k];process.stdout.write(v==null?"":String(v))' "$1" "$2"
}

if [ "$mode" = auto ] && [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
  case "$event" in
    push)
      before=$(json_field "$GITHUB_EVENT_PATH" before)
      after=$(json_field "$GITHUB_EVENT_PATH" after)
      after=${after:-${GITHUB_SHA:-HEAD}}
      if [ -n "$before" ] && [ "$before" != "$zero" ] && git cat-file -e "$before^{commit}" 2>/dev/null; then
        range=("$before..$after")
      else
        # A new branch (or a force-push whose old tip is gone): only the commits no other remote
        # branch already has. Scanning all that is reachable would fail a clean branch on an old
        # leak of main's.
        ref=$(json_field "$GITHUB_EVENT_PATH" ref)
        pushed="origin/${ref#refs/heads/}"
        range=("$after")
        while read -r name sha; do
          [ -n "$sha" ] && [ "$name" != "$pushed" ] && range+=("^$sha")
        done < <(git for-each-ref --format='%(refname:short) %(objectname)' refs/remotes/)
      fi
      ;;
    pull_request|pull_request_target)
      base=$(json_field "$GITHUB_EVENT_PATH" pull_request.base.sha)
      head=$(json_field "$GITHUB_EVENT_PATH" pull_request.head.sha)
      if [ -n "$base" ] && [ -n "$head" ]; then range=("$base..$head"); fi
      ;;
  esac
fi

if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
  echo "::warning::notion-guard: shallow checkout: history is truncated. Use actions/checkout with fetch-depth: 0."
fi

report=$(mktemp)
# One scan, two reports: the text log here, SARIF for code scanning (--verify sends each token once).
sarif_args=()
[ -n "$sarif" ] && sarif_args=(--sarif-output "$sarif")
# shellcheck disable=SC2086
$cli history "${range[@]}" --no-color "${sarif_args[@]}" ${NG_ARGS:-} | tee "$report"
status=${PIPESTATUS[0]}
if [ -n "$sarif" ] && [ -f "$sarif" ] && [ "$status" -le 1 ]; then
  # Annotations on the commit's files, so repositories without code scanning still see each finding
  # (the SARIF is already redacted). Workflow-command values escape %, CR, LF (and , : in properties).
  node -e '
    const esc = (s, prop) => { s = String(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A"); return prop ? s.replace(/:/g, "%3A").replace(/,/g, "%2C") : s; };
    const runs = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).runs || [];
    for (const r of runs[0] ? runs[0].results || [] : []) {
      const loc = ((r.locations || [])[0] || {}).physicalLocation || {};
      const file = (loc.artifactLocation || {}).uri || "";
      const line = (loc.region || {}).startLine || 1;
      console.log(`::error file=${esc(file, true)},line=${line},title=${esc("notion-guard: " + r.ruleId, true)}::${esc((r.message || {}).text || "Notion token")}`);
    }' "$sarif" || true
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  { echo '## notion-guard'; echo; echo '```'; cat "$report"; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
fi
rm -f "$report"
exit $status
