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
config_from=''
allow_args=()

json_field() { # json_field FILE KEY.PATH — read a field from the event payload without jq
  node -e 'const o=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));let v=o;for(const k of process.argv[2].split("."))v=v==null?undefined:v[k];process.stdout.write(v==null?"":String(v))' "$1" "$2"
}
# The payload is input: a commit id must be one (never an option, a range or a ref expression).
is_sha() { [[ "$1" =~ ^[0-9a-f]{40}$|^[0-9a-f]{64}$ ]]; }
fail() { echo "::error::notion-guard: $1"; exit 2; }

if [ "$mode" = auto ] && [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
  case "$event" in
    push)
      before=$(json_field "$GITHUB_EVENT_PATH" before)
      after=$(json_field "$GITHUB_EVENT_PATH" after)
      after=${after:-${GITHUB_SHA:-}}
      is_sha "$after" || fail "the push event's after is not a commit id"
      if [ -n "$before" ] && [ "$before" != "$zero" ] && is_sha "$before" && git cat-file -e "$before^{commit}" 2>/dev/null; then
        range=("$before..$after")
        config_from=$before
      else
        # A new branch (or a force-push whose old tip is gone): the commits no other remote branch
        # already has. Scanning all that is reachable would fail a clean branch on an old leak of
        # main's. A branch that holds this push's tip (pushed with it, or since) proves nothing:
        # it is not excluded, nor is a symbolic ref (origin/HEAD names another branch) — except
        # the default branch, whose commits were checked when they reached it.
        ref=$(json_field "$GITHUB_EVENT_PATH" ref)
        default=$(json_field "$GITHUB_EVENT_PATH" repository.default_branch)
        pushed="refs/remotes/origin/${ref#refs/heads/}"
        range=("$after")
        while read -r name sha symref; do
          [ -n "$symref" ] || [ "$name" = "$pushed" ] && continue
          if [ "$name" != "refs/remotes/origin/$default" ] && git merge-base --is-ancestor "$after" "$sha" 2>/dev/null; then continue; fi
          range+=("^$sha")
        done < <(git for-each-ref --format='%(refname) %(objectname) %(symref)' refs/remotes/)
      fi
      ;;
    pull_request|pull_request_target)
      base=$(json_field "$GITHUB_EVENT_PATH" pull_request.base.sha)
      head=$(json_field "$GITHUB_EVENT_PATH" pull_request.head.sha)
      if [ -n "$base" ] || [ -n "$head" ]; then
        is_sha "$base" && is_sha "$head" || fail "the pull request's base or head is not a commit id"
        range=("$base..$head")
        config_from=$base
        # A comment the pull request adds must not hide a token from its own check.
        allow_args=(--ignore-allow-comments)
      fi
      ;;
  esac
fi

if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
  echo "::warning::notion-guard: shallow checkout: history is truncated. Use actions/checkout with fetch-depth: 0."
fi

# The checked-out head is what is being checked: its .notion-guard.toml and baseline could allowlist
# its own token. A range is judged by the config and baseline of the commit it starts from.
config_args=()
if [ -n "$config_from" ]; then
  cfgdir=$(mktemp -d)
  if git cat-file -e "$config_from:.notion-guard.toml" 2>/dev/null; then
    git cat-file blob "$config_from:.notion-guard.toml" > "$cfgdir/config.toml" || fail "cannot read .notion-guard.toml of $config_from"
    config_args=(--config "$cfgdir/config.toml")
  else
    config_args=(--no-config)
  fi
  # Always name the baseline, so the head's own is never found instead (empty when the base has none).
  if git cat-file -e "$config_from:.notion-guard-baseline.json" 2>/dev/null; then
    git cat-file blob "$config_from:.notion-guard-baseline.json" > "$cfgdir/baseline.json" || fail "cannot read .notion-guard-baseline.json of $config_from"
  else
    echo '{"version":1,"tool":"notion-guard","entries":[]}' > "$cfgdir/baseline.json"
  fi
  config_args+=(--baseline "$cfgdir/baseline.json")
fi

report=$(mktemp)
# One scan, two reports: the text log here, SARIF for code scanning (--verify sends each token once).
sarif_args=()
[ -n "$sarif" ] && sarif_args=(--sarif-output "$sarif")
# shellcheck disable=SC2086
$cli history --no-color "${sarif_args[@]}" "${config_args[@]}" "${allow_args[@]}" ${NG_ARGS:-} -- "${range[@]}" | tee "$report"
status=${PIPESTATUS[0]}
if [ -n "$sarif" ] && [ -f "$sarif" ] && [ "$status" -le 1 ]; then
  # Annotations on the commit's files, so repositories without code scanning still see each finding
  # (the SARIF is already redacted). Workflow-command values escape %, CR, LF (and , : in properties).
  node -e '
    const esc = (s, prop) => { s = String(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A"); return prop ? s.replace(/:/g, "%3A").replace(/,/g, "%2C") : s; };
    const runs = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).runs || [];
    for (const r of runs[0] ? runs[0].results || [] : []) {
      const loc = ((r.locations || [])[0] || {}).physicalLocation || {};
      // SARIF URIs are percent-encoded; the annotation wants the path itself (then its own escapes).
      let file = (loc.artifactLocation || {}).uri || "";
      try { file = decodeURIComponent(file); } catch {}
      const where = file && !file.startsWith("(") ? `file=${esc(file, true)},line=${(loc.region || {}).startLine || 1},` : "";
      console.log(`::error ${where}title=${esc("notion-guard: " + r.ruleId, true)}::${esc((r.message || {}).text || "Notion token")}`);
    }' "$sarif" || true
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  { echo '## notion-guard'; echo; echo '```'; cat "$report"; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
fi
rm -f "$report"
exit $status
