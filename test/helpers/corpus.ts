/**
 * A realistic corpus: dozens of file types and contexts where people leave Notion tokens, plus the
 * look-alikes a scanner must not report. Tokens are generated at run time from a seed; each planted
 * token's expected line and column is computed while the template is expanded.
 *
 * Placeholders: {{N}} an ntn_ token, {{NL}} an ntn_ token without the digit run, {{L}} a legacy
 * secret_ token, {{B64:N}} / {{B64:L}} base64 of a token, {{B64ENV}} base64 of a whole .env file
 * holding a token (reported where the run starts), {{SPLIT}} a token split across two literals.
 * {{B64WRAP}} a base64 .env wrapped at 76 columns in a YAML block.
 * {{X:n}} is n random base64url characters (no token), {{HEX:n}} n hex digits, {{P}} the ntn_
 * prefix and {{LP}} the legacy prefix, for look-alikes.
 */
import { TokenFactory, b64, NTN, LEGACY } from './tokens.js';

export interface Expected {
  secret: string;
  line: number;
  column: number;
  encoding?: 'base64' | 'split';
}

export interface CorpusFile {
  name: string;
  content: string | Buffer;
  expected: Expected[];
}

const POSITIVE: Record<string, string> = {
  '.env': '# local settings\nNODE_ENV=development\nNOTION_TOKEN={{N}}\nNOTION_DB=8a1b2c3d4e5f\n',
  '.env.quoted': 'NOTION_API_KEY="{{N}}"\nOTHER=\'{{L}}\'\n',
  '.env.export': 'export NOTION_TOKEN={{N}}\nexport PATH="$PATH:/opt/bin"\n',
  'crlf.env': 'A=1\r\nNOTION_TOKEN={{N}}\r\nB=2\r\n',
  'no-final-newline.env': 'NOTION_TOKEN={{N}}',
  'config.json': '{\n  "notion": {\n    "token": "{{N}}",\n    "databaseId": "1f2e3d4c5b6a"\n  }\n}\n',
  '.mcp.json': '{\n  "mcpServers": {\n    "notion": {\n      "command": "npx",\n      "args": ["-y", "@notionhq/notion-mcp-server"],\n      "env": { "OPENAPI_MCP_HEADERS": "{\\"Authorization\\": \\"Bearer {{N}}\\", \\"Notion-Version\\": \\"2022-06-28\\"}" }\n    }\n  }\n}\n',
  'claude_desktop_config.json': '{"mcpServers":{"notion":{"env":{"NOTION_TOKEN":"{{N}}"}}}}',
  'values.yaml': 'notion:\n  enabled: true\n  token: {{N}}\n  legacy: "{{L}}"\n',
  'docker-compose.yml': 'services:\n  app:\n    image: app:latest\n    environment:\n      - NOTION_TOKEN={{N}}\n',
  'workflow.yml': 'jobs:\n  sync:\n    runs-on: ubuntu-latest\n    env:\n      NOTION_TOKEN: {{N}} # TODO move to secrets\n',
  'config.toml': '[notion]\ntoken = "{{N}}"\ntimeout = 30\n',
  'settings.ini': '[notion]\napi_key = {{L}}\n',
  'application.properties': 'notion.api.token={{N}}\nserver.port=8080\n',
  'pages.csv': 'id,name,token\n1,main,{{N}}\n2,backup,"{{L}}"\n',
  'web.config': '<configuration>\n  <appSettings>\n    <add key="NotionToken" value="{{N}}" />\n  </appSettings>\n</configuration>\n',
  'pom-snippet.xml': '<properties><notion.token>{{N}}</notion.token></properties>\n',
  'Dockerfile': 'FROM node:20\nENV NOTION_TOKEN={{N}}\nRUN npm ci\n',
  'Makefile': 'NOTION_TOKEN ?= {{N}}\n\nsync:\n\tcurl -H "Authorization: Bearer $(NOTION_TOKEN)" https://api.notion.com/v1/users/me\n',
  'deploy.sh': '#!/bin/sh\nset -e\ncurl -s https://api.notion.com/v1/search \\\n  -H "Authorization: Bearer {{N}}" \\\n  -H "Notion-Version: 2022-06-28"\n',
  'notebook.ipynb': '{\n "cells": [\n  {\n   "cell_type": "code",\n   "source": [\n    "import os\\n",\n    "NOTION_TOKEN = \\"{{N}}\\"\\n",\n    "client = Client(auth=NOTION_TOKEN)"\n   ],\n   "outputs": [\n    {"name": "stdout", "text": ["token={{L}}\\r\\n"]}\n   ]\n  }\n ]\n}\n',
  'sync.log': '2026-03-01T10:00:00Z INFO starting sync\n2026-03-01T10:00:01Z DEBUG headers={Authorization: Bearer {{N}}}\n2026-03-01T10:00:02Z INFO done\n',
  'README.md': '# Setup\n\n```bash\nexport NOTION_TOKEN={{N}}\n```\n\nOr paste `{{L}}` into **Settings**.\n',
  'urls.txt': 'https://example.com/webhook?token={{N}}&page=2\nhttps://example.com/cb#access_token={{L}}\n',
  'index.js': "import { Client } from '@notionhq/client';\n// TODO: env var\nconst notion = new Client({ auth: '{{N}}' });\n",
  'main.py': 'from notion_client import Client\n\nnotion = Client(auth="{{N}}")  # personal token\n',
  'main.go': 'package main\n\nconst notionToken = "{{N}}"\n',
  'Main.java': 'class Main {\n  static final String TOKEN = "{{L}}";\n}\n',
  'app.rb': "NOTION = Notion::Client.new(token: '{{N}}')\n",
  'lib.rs': 'const TOKEN: &str = "{{N}}";\n',
  'index.php': "<?php\n$token = '{{N}}';\n",
  'Program.cs': 'var token = "{{N}}";\n',
  'sync.kt': 'val token = "{{N}}"\n',
  'main.tf': 'variable "notion_token" {\n  default = "{{L}}"\n}\n',
  'comment.c': '/* notion token: {{N}} */\nint main(void) { return 0; }\n',
  'page.html': '<input type="hidden" name="t" value="{{N}}"><td>{{L}}</td>\n',
  'punctuation.txt': 'a({{N}}); b[{{L}}]. c:{{N}}, d;{{L}}! end {{N}}.\n',
  'several.txt': '{{N}} {{N}},{{L}};{{NL}}\n',
  'escapes.json': '{"a":"{{N}}\\n","b":"x\\n{{N}}\\r\\n","c":"\\"{{L}}\\""}\n',
  'unicode-escaped.json': '{"q":"token\\u003d{{N}}"}\n',
  'urlencoded.txt': 'redirect=https%3A%2F%2Fx.test%2Fcb%3Ftoken%3D{{N}}\n',
  'unicode-before.md': 'Clé secrète — ünïcödé: {{N}}\n',
  'loose.env': 'NOTION_TOKEN={{NL}}\n',
  'k8s-secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: notion\ndata:\n  NOTION_TOKEN: {{B64:N}}\n  LEGACY: {{B64:L}}\n',
  'basic-auth.txt': 'env_b64={{B64ENV}}\n',
  'split.js': "const token = '{{SPLIT}};\n",
  'tab-indented.yaml': 'notion:\n\ttoken:\t{{N}}\n',
  'wrapped-secret.yaml': 'apiVersion: v1\nkind: Secret\ndata:\n  app.env: |\n    {{B64WRAP}}\n',
  'colored.log': '\u001b[32mINFO\u001b[0m using token \u001b[1m{{N}}\u001b[0m\n',
  'notebook-output.ipynb': '{"outputs": [{"text": ["\\u001b[0;32mtoken\\u001b[0m=\\u001b[1m{{L}}\\u001b[0m\\n"]}]}\n',
};

const NEGATIVE: Record<string, string> = {
  '.env.example': 'NOTION_TOKEN=ntn_your_token_here\nNOTION_TOKEN=ntn_****************\nNOTION_TOKEN=ntn_abc…\nNOTION_TOKEN=${NOTION_TOKEN}\nNOTION_TOKEN={{ NOTION_TOKEN }}\nNOTION_TOKEN=<your-notion-token>\nNOTION_KEY=secret_...\n',
  'placeholders.md': 'Use a token like `{{P}}{{REP:x:46}}` or `{{LP}}{{REP:X:43}}`.\nSequential: {{P}}{{SEQ:46}}\nZeros: {{P}}{{REP:0:46}}\nMasked: {{P}}{{REP:*:46}}\n',
  'rails.rb': "config.secret_key_base = ENV['SECRET_KEY_BASE']\nRails.application.credentials.secret_key_base\n",
  'oauth.yaml': 'token_endpoint_auth_method: client_secret_post\nclient_secret_basic: false\nsecret_access_key: ${AWS_SECRET}\n',
  'identifiers.ts': 'const {{LP}}ManagerClientConfigurationBuilderFactoryImpl = 1;\nlet {{P}}TokenProviderFactoryConfigurationManagerFacade2 = 2;\nfunction my_{{LP}}{{X:43}}() {}\nconst x = {{LP}}ApiKeyForNotionWorkspaceAccessToken2024v1ab;\nconst y = {{P}}YourNotionIntegrationTokenGoesHereAbc123xyz;\n',
  'truncated.md': 'The token starts with {{TRUNC}}… and is 50 characters long.\n',
  'blob.txt': 'data:application/octet-stream;base64,{{X:40}}{{P}}{{ALNUM:46}}{{X:30}}\n',
  'jwt.txt': 'eyJhbGciOiJIUzI1NiJ9.{{X:30}}{{LP}}{{ALNUM:43}}{{X:12}}.{{X:43}}\n',
  'package-lock.json': '{"integrity": "sha512-{{B64RAND:64}}", "resolved": "https://registry.npmjs.org/x/-/x-1.0.0.tgz"}\n',
  'hashes.txt': '{{HEX:64}}\n{{HEX:40}}\n',
  'template.yaml': 'token: ${{ secrets.NOTION_TOKEN }}\nkey: "{{ .Values.notion.token }}"\nother: ${NOTION_SECRET}\n',
  'longer-run.txt': 'x {{P}}{{ALNUM:60}} y\n',
  'doc-snippet.md': 'Tokens look like `ntn_` followed by 46 characters; legacy ones start with `secret_`.\n',
};

interface Ctx {
  f: TokenFactory;
  out: string;
  expected: Expected[];
}

function pos(ctx: Ctx, extra = 0): { line: number; column: number } {
  const upto = ctx.out;
  const line = upto.split('\n').length;
  const lineStart = upto.lastIndexOf('\n') + 1;
  return { line, column: [...upto.slice(lineStart)].length + 1 + extra };
}

function randomChars(f: TokenFactory, n: number, alphabet: string): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(f.random() * alphabet.length)];
  return s;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function expand(template: string, f: TokenFactory): { text: string; expected: Expected[] } {
  const ctx: Ctx = { f, out: '', expected: [] };
  const parts = template.split(/(\{\{[A-Za-z0-9:*]+\}\})/);
  for (const part of parts) {
    const m = /^\{\{([A-Z0-9]+)(?::([^}]*))?\}\}$/.exec(part);
    if (!m) {
      ctx.out += part;
      continue;
    }
    const [, kind, arg] = m;
    const plant = (secret: string, shown: string, encoding?: 'base64' | 'split'): void => {
      ctx.expected.push({ secret, ...pos(ctx), ...(encoding ? { encoding } : {}) });
      ctx.out += shown;
    };
    switch (kind) {
      case 'N': { const t = f.ntn(); plant(t, t); break; }
      case 'NL': { const t = f.ntnLoose(); plant(t, t); break; }
      case 'L': { const t = f.legacy(); plant(t, t); break; }
      case 'B64': { const t = arg === 'L' ? f.legacy() : f.ntn(); plant(t, b64(t), 'base64'); break; }
      case 'B64ENV': { const t = f.ntn(); plant(t, b64(`NOTION_TOKEN=${t}\nDEBUG=0\n`), 'base64'); break; }
      case 'B64WRAP': {
        // `base64` wraps at 76 columns; inside a YAML block scalar the lines are indented.
        const t = f.ntn();
        const enc = b64(`# sync job settings\nDEBUG=false\nREGION=eu\nNOTION_TOKEN=${t}\nRETRIES=3\n`);
        plant(t, (enc.match(/.{1,76}/g) ?? []).join('\n    '), 'base64');
        break;
      }
      case 'SPLIT': { const t = f.ntn(); plant(t, `${t.slice(0, 20)}' +\n  '${t.slice(20)}'`, 'split'); break; }
      case 'P': ctx.out += NTN.prefix; break;
      case 'LP': ctx.out += LEGACY.prefix; break;
      case 'X': ctx.out += randomChars(f, Number(arg), B64URL); break;
      case 'ALNUM': ctx.out += randomChars(f, Number(arg), ALNUM); break;
      case 'B64RAND': ctx.out += randomChars(f, Number(arg), B64STD); break;
      case 'HEX': ctx.out += randomChars(f, Number(arg), '0123456789abcdef'); break;
      case 'REP': { const [c, n] = (arg ?? 'x:1').split(':'); ctx.out += (c ?? 'x').repeat(Number(n)); break; }
      case 'SEQ': { let s = ''; for (let i = 0; s.length < Number(arg); i++) s += ALNUM[i % 62]; ctx.out += s; break; }
      case 'TRUNC': ctx.out += f.ntn().slice(0, 24); break;
      default: throw new Error(`unknown placeholder ${part}`);
    }
  }
  return { text: ctx.out, expected: ctx.expected };
}

/** The corpus for one seed: positive files (with expectations) and negative files (expect none). */
export function buildCorpus(seed = 7): { positive: CorpusFile[]; negative: CorpusFile[] } {
  const f = new TokenFactory(seed);
  const positive: CorpusFile[] = Object.entries(POSITIVE).map(([name, t]) => {
    const { text, expected } = expand(t, f);
    return { name, content: text, expected };
  });
  // A minified bundle: one 2 MB line with a token deep inside it.
  const token = f.ntn();
  const filler = 'function(e){return e&&e.__esModule?e:{default:e}};var a=1,b=2;'.repeat(16_000);
  const bundle = `${filler}var k="${token}";${filler}`;
  positive.push({ name: 'bundle.min.js', content: bundle, expected: [{ secret: token, line: 1, column: filler.length + 8 }] });
  // UTF-16LE with a BOM, as Windows editors save it.
  const t16 = f.legacy();
  positive.push({
    name: 'windows-utf16.ps1',
    content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`$env:NOTION = "${t16}"\r\n`, 'utf16le')]),
    expected: [{ secret: t16, line: 1, column: 16 }],
  });
  const negative: CorpusFile[] = Object.entries(NEGATIVE).map(([name, t]) => {
    const { text } = expand(t, f);
    return { name, content: text, expected: [] };
  });
  return { positive, negative };
}
