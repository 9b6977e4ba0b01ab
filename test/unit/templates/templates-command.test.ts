import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mineTemplates, templatesCommand } from '../../../bin/commands/templates.js';

const APP_LOG = fileURLToPath(new URL('../../fixtures/logs/app.log', import.meta.url));
const FORMAT = '<Date> <Time> <Level> <Component>: <Content>';

async function runCli(args: string[]): Promise<string> {
  let out = '';
  await templatesCommand((s) => {
    out += s;
  }).parseAsync(args, { from: 'user' });
  return out;
}

describe('faultline templates', () => {
  it('prints one assignment per input line, null where the format does not match', async () => {
    const out = await runCli([APP_LOG, '--format', FORMAT, '--assignments']);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rows[0].template).toBe('request <*> done in <*> ms');
    expect(rows[8].template).toBe('request <*> done in <*> ms'); // CRLF line
    expect(rows[3].template).toBeNull();
    expect(rows[5].template).toBeNull(); // blank line
    expect(rows[6].template).toBe('connection to <*> refused');
    expect(rows[6].template).toBe(rows[7].template);
  });

  it('prints templates with counts as JSON', async () => {
    const out = JSON.parse(await runCli([APP_LOG, '--format', FORMAT, '--json']));
    expect(out.lines).toBe(9);
    expect(out.unmatched).toBe(2);
    expect(out.templates[0]).toEqual({ template: 'request <*> done in <*> ms', count: 4 });
  });

  it('mines whole lines when no format is given', async () => {
    let out = '';
    const lines = ['user alice logged in', 'user bob logged in', 'user carol logged in', 'disk 91% full'];
    await mineTemplates(lines, {}, (s) => {
      out += s;
    });
    expect(out).toContain('       3  user <*> logged in\n');
    expect(out).toContain('       1  disk <*>% full\n');
  });
});
