import { describe, expect, it } from 'vitest';
import { envIdiom, isEnvFile } from '../../src/remediation.js';

describe('advice by file type', () => {
  it.each([
    ['.env', undefined],
    ['config/.env.production', undefined],
    ['.env.example', /meant to be committed: replace the value with a placeholder/],
    ['app/.env.sample', /placeholder/],
    ['settings.json.template', /placeholder/],
    ['.github/workflows/sync.yml', /^\$\{\{ secrets\.NOTION_TOKEN \}\}, stored under Settings/],
    ['.gitlab-ci.yml', /masked CI\/CD variable/],
    ['.circleci/config.yml', /context/],
    ['docker-compose.yml', /^environment: NOTION_TOKEN: \$\{NOTION_TOKEN\}/],
    ['compose.prod.yaml', /compose secret/],
    ['k8s/deployment.yaml', /secretKeyRef/],
    ['charts/app/values.yaml', /Kubernetes Secret/],
    ['.cursor/mcp.json', /MCP client/],
    ['claude_desktop_config.json', /MCP client/],
    ['data/pages.json', /^an environment variable read by the code that loads this file$/],
    ['config/app.yml', /^an environment variable read by whatever loads this file/],
    ['notebooks/sync.ipynb', /clear the outputs/],
    ['src/sync.py', /^os\.environ\["NOTION_TOKEN"\]$/],
    ['Dockerfile', /RUN --mount=type=secret/],
    ['docs/setup.md', /placeholder .*docs never need a real one/],
    ['NOTES.txt', /placeholder/],
    ['prod.env', undefined],
  ])('%s', (file, want) => {
    const got = envIdiom(file);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(want);
  });

  it('GitHub Actions advice only for GitHub Actions workflows, MCP advice only for MCP configs', () => {
    for (const f of ['docker-compose.yml', 'k8s/secret.yaml', 'config/app.yml', '.gitlab-ci.yml']) expect(envIdiom(f)).not.toMatch(/secrets\.NOTION_TOKEN/);
    for (const f of ['package.json', 'data/pages.json', 'tsconfig.json']) expect(envIdiom(f)).not.toMatch(/MCP/);
  });

  it('env files hold real values and leave git; templates and look-alikes do not', () => {
    for (const f of ['.env', '.env.local', 'config/.env.production', 'deploy/prod.env', '.ENV', '.envrc']) expect(isEnvFile(f), f).toBe(true);
    for (const f of ['.env.example', 'app/.env.sample', '.env.template', 'src/env.ts', 'environment.yml', '.envrc.md', 'docs/.env.md.example']) expect(isEnvFile(f), f).toBe(false);
  });
});
