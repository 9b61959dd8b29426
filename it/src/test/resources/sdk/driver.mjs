// Drives one Agent SDK query the way SDK users write it, against whatever executable it is given (the
// real claude, or the bridge client), and prints a summary as the last line of stdout (JSON).
// Usage: node driver.mjs <sdk-dir> <scenario> <executable> <cwd>
// Scenarios: partial, tool-cwd, mcp, multi-turn, interrupt, abort. For interrupt and abort the driver
// prints "tool_use" when the model has asked for the tool, then waits for a line on stdin before it
// interrupts or aborts (the test sends it once the tool runs), and prints "aborted <epoch ms>"; after an
// abort it waits for the SDK's kill schedule, or for one more line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const [sdkDir, scenario, executable, cwd] = process.argv.slice(2);
const pkg = join(sdkDir, 'node_modules', '@anthropic-ai', 'claude-agent-sdk');
const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
const sdk = await import(pathToFileURL(join(pkg, 'sdk.mjs')).href);
const require = createRequire(join(sdkDir, 'node_modules', 'x.js'));
const { z } = await import(pathToFileURL(require.resolve('zod')).href);

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = () => lines.next();
const base = { pathToClaudeCodeExecutable: executable, cwd, env: { ...process.env } };
const summary = { version, scenario, results: [], partials: 0, toolUses: [], mcpCalls: [], error: null };

function user(text) {
  return { type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: '' };
}

function note(m) {
  if (m.type === 'stream_event') summary.partials++;
  if (m.type === 'assistant') {
    for (const c of m.message.content) if (c.type === 'tool_use') summary.toolUses.push(c.name);
  }
  if (m.type === 'result') summary.results.push({ subtype: m.subtype, result: m.result ?? null, is_error: m.is_error });
}

async function run(prompt, options, onMessage = () => {}) {
  const q = sdk.query({ prompt, options: { ...base, ...options } });
  try {
    for await (const m of q) {
      note(m);
      await onMessage(m, q);
    }
  } catch (e) {
    summary.error = { name: e?.name ?? String(e), message: String(e?.message ?? e).split('\n')[0] };
  }
}

/** A streaming input that yields its messages one by one, each after the previous turn's result. */
function turns(texts) {
  let release;
  const gate = () => new Promise(r => { release = r; });
  let waiting = Promise.resolve();
  const input = (async function* () {
    for (const t of texts) {
      await waiting;
      waiting = gate();
      yield user(t);
    }
    await waiting;
  })();
  return { input, turnDone: () => release && release() };
}

switch (scenario) {
  case 'partial':
    await run('hello', { includePartialMessages: true });
    break;
  case 'tool-cwd':
    await run('run pwd', { allowedTools: ['Bash'] });
    break;
  case 'mcp': {
    const calc = sdk.createSdkMcpServer({ name: 'calc', version: '1.0.0', tools: [
      sdk.tool('add', 'Adds two numbers', { a: z.number(), b: z.number() }, async ({ a, b }) => {
        summary.mcpCalls.push([a, b]);
        return { content: [{ type: 'text', text: `sum=${a + b}` }] };
      })] });
    const { input, turnDone } = turns(['add 2 and 3']);
    await run(input, { mcpServers: { calc }, allowedTools: ['mcp__calc__add'] }, m => { if (m.type === 'result') turnDone(); });
    break;
  }
  case 'multi-turn': {
    const { input, turnDone } = turns(['first', 'second', 'third']);
    await run(input, {}, m => { if (m.type === 'result') turnDone(); });
    break;
  }
  case 'interrupt': {
    const { input, turnDone } = turns(['run the long command', 'and now?']);
    await run(input, { allowedTools: ['Bash'] }, async (m, q) => {
      if (m.type === 'assistant' && m.message.content.some(c => c.type === 'tool_use')) {
        console.log('tool_use');
        await nextLine();
        console.log(`interrupting ${Date.now()}`);
        await q.interrupt();
      }
      if (m.type === 'result') turnDone();
    });
    break;
  }
  case 'abort': {
    const abortController = new AbortController();
    const { input } = turns(['run the long command']);
    await run(input, { allowedTools: ['Bash'], abortController }, async m => {
      if (m.type === 'assistant' && m.message.content.some(c => c.type === 'tool_use')) {
        console.log('tool_use');
        await nextLine();
        console.log(`aborted ${Date.now()}`);
        abortController.abort();
      }
    });
    // the SDK's kill schedule (SIGTERM 2 s after closing stdin, SIGKILL 5 s later) runs on unref'd
    // timers: stay alive long enough for it, as a long-lived SDK host would, or until the test says
    // (a line on stdin) that the process tree is gone and the schedule has nothing left to do
    await Promise.race([new Promise(r => setTimeout(r, 8000)), nextLine()]);
    break;
  }
  default:
    throw new Error(`unknown scenario ${scenario}`);
}
console.log(JSON.stringify(summary));
process.exit(0);
