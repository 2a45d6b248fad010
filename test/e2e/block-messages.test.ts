/**
 * The whole block message, as the person whose commit was refused reads it, per situation and per
 * kind of file: real repositories, real `git` state, the built CLI. Snapshots live in
 * __snapshots__/block/*.txt, one readable file per case; a change to any advice shows up as a diff
 * there (review it, then `npx vitest run -u test/e2e/block-messages.test.ts`). Tokens are redacted in
 * the output, and commit shas are written as <sha>, so the files hold nothing secret or run-specific.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotionEmulator } from '../helpers/notion-server.js';
import { runCli, runCliAsync } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';

const f = new TokenFactory(4242);
const snap = (name: string) => `./__snapshots__/block/${name}.txt`;

/** The message with what differs per run (short and full shas) written as <sha>. */
function normal(out: string, r: TestRepo): string {
  let text = out;
  for (const line of r.git('rev-list', '--all').trim().split('\n').filter(Boolean)) {
    text = text.split(line).join('<sha>');
    text = text.replace(new RegExp(`\\b${line.slice(0, 7)}[0-9a-f]*\\b`, 'g'), '<sha>');
  }
  return text;
}

function staged(r: TestRepo, extra: string[] = []): { code: number; text: string; raw: string } {
  const out = runCli(['staged', '--no-color', ...extra], { cwd: r.path });
  return { code: out.code, text: normal(out.stdout + (out.stderr ? `--- stderr ---\n${out.stderr}` : ''), r), raw: out.stdout + out.stderr };
}

function repoWithHead(): TestRepo {
  const r = new TestRepo();
  r.commit('init', { 'README.md': 'hello\n' });
  return r;
}

describe('block message per kind of file (a new file, not committed yet)', () => {
  const cases: [name: string, path: string, body: (t: string) => string][] = [
    ['dotenv', '.env', (t) => `NOTION_TOKEN=${t}\n`],
    ['dotenv-example', '.env.example', (t) => `NOTION_TOKEN=${t}\n`],
    ['github-actions', '.github/workflows/sync.yml', (t) => `on: push\njobs:\n  sync:\n    runs-on: ubuntu-latest\n    env:\n      NOTION_TOKEN: ${t}\n    steps:\n      - run: npm run sync\n`],
    ['gitlab-ci', '.gitlab-ci.yml', (t) => `sync:\n  variables:\n    NOTION_TOKEN: "${t}"\n  script: npm run sync\n`],
    ['circleci', '.circleci/config.yml', (t) => `version: 2.1\njobs:\n  sync:\n    environment:\n      NOTION_TOKEN: ${t}\n`],
    ['compose', 'docker-compose.yml', (t) => `services:\n  app:\n    environment:\n      NOTION_TOKEN: ${t}\n`],
    ['kubernetes', 'k8s/deployment.yaml', (t) => `apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          env:\n            - name: NOTION_TOKEN\n              value: ${t}\n`],
    ['mcp-config', '.cursor/mcp.json', (t) => `{\n  "mcpServers": {\n    "notion": {\n      "command": "npx",\n      "args": ["-y", "@notionhq/notion-mcp-server"],\n      "env": { "NOTION_TOKEN": "${t}" }\n    }\n  }\n}\n`],
    ['notebook', 'analysis.ipynb', (t) => `${JSON.stringify({ cells: [{ cell_type: 'code', source: [`notion = Client(auth="${t}")`], outputs: [] }], nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`],
    ['json-data', 'fixtures/pages.json', (t) => `{ "pages": [ { "id": 1, "token": "${t}" } ] }\n`],
    ['source', 'src/notion.ts', (t) => `export const notion = new Client({ auth: "${t}" });\n`],
    ['toml', 'config/app.toml', (t) => `[notion]\ntoken = "${t}"\n`],
    ['legacy-token', 'scripts/sync.py', (t) => `NOTION = "${t}"\n`.replace(t, f.legacy())],
  ];
  it.each(cases)('%s (%s)', async (name, path, body) => {
    const r = repoWithHead();
    try {
      const t = f.ntn();
      r.write(path, body(t)).git('add', '-A');
      const s = staged(r);
      expect(s.code).toBe(1);
      expect(s.raw).not.toContain(t);
      await expect(s.text).toMatchFileSnapshot(snap(name));
    } finally {
      r.cleanup();
    }
  });
});

describe('the README shows the block message as it is', () => {
  it('its blocked-commit example is the .env snapshot', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const shown = /^\$ git commit -m "add notion sync"\n([\s\S]*?)\n```/m.exec(readme)![1]!;
    const snapshot = readFileSync(new URL('./__snapshots__/block/dotenv.txt', import.meta.url), 'utf8').trimEnd();
    const norm = (t: string) => t.replace(/ntn_\d{4}…/g, 'ntn_…');
    expect(norm(shown)).toBe(norm(snapshot));
  });
});

describe('block message per situation', () => {
  it('before the first commit', async () => {
    const r = new TestRepo();
    try {
      r.write('.env', `NOTION_TOKEN=${f.ntn()}\n`).git('add', '-A');
      const s = staged(r);
      expect(s.code).toBe(1);
      await expect(s.text).toMatchFileSnapshot(snap('situation-first-commit'));
    } finally {
      r.cleanup();
    }
  });

  it('one token in several files, and tokens of two kinds', async () => {
    const r = repoWithHead();
    try {
      const t = f.ntn();
      r.write('.env', `NOTION_TOKEN=${t}\n`).write('src/app.ts', `const k = "${t}";\n`).write('my notes.md', `old token ${f.legacy()}\n`).git('add', '-A');
      const s = staged(r);
      expect(s.code).toBe(1);
      await expect(s.text).toMatchFileSnapshot(snap('situation-several-files'));
    } finally {
      r.cleanup();
    }
  });

  it('already committed with --no-verify (the last commit, then an older one), then pushed', async () => {
    const r = repoWithHead();
    const remote = new TestRepo({ bare: true });
    try {
      const t = f.ntn();
      r.write('app.env', `NOTION_TOKEN=${t}\n`).git('add', '-A');
      r.git('commit', '-qm', 'leak', '--no-verify');
      r.write('app.env', `export NOTION_TOKEN=${t}\n`).git('add', '-A');
      const last = staged(r);
      expect(last.code).toBe(1);
      await expect(last.text).toMatchFileSnapshot(snap('situation-committed-last'));

      r.write('README.md', 'more\n').git('add', 'README.md');
      r.git('commit', '-qm', 'docs', '--no-verify', '--', 'README.md');
      const older = staged(r);
      await expect(older.text).toMatchFileSnapshot(snap('situation-committed-older'));

      r.git('remote', 'add', 'origin', remote.path);
      r.git('push', '-q', 'origin', 'HEAD:main');
      r.git('fetch', '-q', 'origin');
      const pushed = staged(r);
      expect(pushed.code).toBe(1);
      expect(pushed.raw).not.toContain(t);
      await expect(pushed.text).toMatchFileSnapshot(snap('situation-pushed'));
    } finally {
      r.cleanup();
      remote.cleanup();
    }
  });

  it('a false positive: the baseline path is offered', async () => {
    const r = repoWithHead();
    try {
      r.write('docs/sample.md', `example: ${f.ntn()}\n`).git('add', '-A');
      const s = staged(r);
      await expect(s.text).toMatchFileSnapshot(snap('situation-docs'));
    } finally {
      r.cleanup();
    }
  });
});

describe('block message with --verify', () => {
  const live = f.ntn();
  const dead = f.ntn();
  let api: NotionEmulator;
  beforeAll(async () => {
    api = await new NotionEmulator().set(live, { kind: 'bot', name: 'Deploy Bot', workspace: 'Acme HQ' }).start();
  });
  afterAll(async () => api.stop());

  it('a live token already pushed, and a revoked one: the truth first', async () => {
    const r = repoWithHead();
    const remote = new TestRepo({ bare: true });
    try {
      r.write('app.env', `NOTION_TOKEN=${live}\n`).git('add', '-A');
      r.git('commit', '-qm', 'leak', '--no-verify');
      r.git('remote', 'add', 'origin', remote.path);
      r.git('push', '-q', 'origin', 'HEAD:main');
      r.git('fetch', '-q', 'origin');
      r.write('app.env', `export NOTION_TOKEN=${live}\nOLD=${dead}\n`).git('add', '-A');
      const out = await runCliAsync(['staged', '--no-color', '--verify'], { cwd: r.path, env: { NOTION_GUARD_API_URL: api.url } });
      expect(out.code).toBe(1);
      expect(out.stdout + out.stderr).not.toContain(live);
      await expect(normal(out.stdout + (out.stderr ? `--- stderr ---\n${out.stderr}` : ''), r)).toMatchFileSnapshot(snap('verify-live-pushed'));
    } finally {
      r.cleanup();
      remote.cleanup();
    }
  });
});
