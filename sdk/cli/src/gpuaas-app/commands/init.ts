/**
 * `gpuaas-app init`: creates an app folder from a template. Thin over `@gpuaas/sdk/templates`; the only
 * logic here is asking for missing options on an interactive terminal.
 */
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { SdkError } from '@gpuaas/sdk/common';
import {
  checkTemplateValues,
  defaultDisplayName,
  findTemplate,
  isDnsLabel,
  listTemplates,
  scaffoldTemplate,
} from '@gpuaas/sdk/templates';
import type { TemplateInfo } from '@gpuaas/sdk/templates';
import {
  formatTable,
  isInteractive,
  printDiagnostic,
  printJson,
  printLine,
  type CliIo,
} from '../../output.js';
import type { RegisterCommand } from '../../run.js';

interface InitFlags {
  template?: string;
  name?: string;
  publisher?: string;
  displayName?: string;
  list?: boolean;
  yes?: boolean;
  force?: boolean;
  json?: boolean;
}

/** Publisher used when none is given and nobody can be asked; init says so on stderr. */
export const DEFAULT_PUBLISHER = 'my-publisher';

export const registerInit: RegisterCommand = (program, ctx) => {
  program
    .command('init')
    .description('Create a new app folder from a template')
    .argument('[dir]', 'folder to create (default: ./<name>)')
    .option('-t, --template <template>', 'template to start from (see --list)')
    .option('-n, --name <app>', 'app name, a DNS label such as my-app')
    .option('-p, --publisher <publisher>', `publisher namespace, a DNS label (default: ${DEFAULT_PUBLISHER})`)
    .option('--display-name <title>', 'name shown in the catalog (default: the name in title case)')
    .option('-l, --list', 'list the templates and exit')
    .option('-y, --yes', 'never prompt: missing --template or --name is an error')
    .option('-f, --force', 'write into a non-empty folder, overwriting files the template has')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string | undefined, flags: InitFlags) => {
      const io = ctx.io;
      const templates = await listTemplates();
      if (flags.list) return printList(io, templates, flags.json === true);

      // Refuse bad flags before asking anything, so nobody answers prompts for a doomed run.
      if (flags.template !== undefined) await findTemplate(flags.template);
      checkTemplateValues({
        name: flags.name ?? 'placeholder',
        publisher: flags.publisher ?? 'placeholder',
        displayName: flags.displayName ?? 'placeholder',
      });
      const ask = !flags.yes && isInteractive(io) ? createPrompter(io) : undefined;
      try {
        const template = flags.template ?? (await pickTemplate(ask, templates));
        const name = flags.name ?? (await askName(ask, dir));
        let publisher = flags.publisher;
        if (publisher === undefined && ask) publisher = await askLabel(ask, 'Publisher', DEFAULT_PUBLISHER);
        if (publisher === undefined) {
          publisher = DEFAULT_PUBLISHER;
          printDiagnostic(
            io,
            `note: publisher defaults to "${publisher}"; set publisher: in gpuaas-app.yaml`,
          );
        }
        const displayName = flags.displayName ?? defaultDisplayName(name);
        checkTemplateValues({ name, publisher, displayName });

        const result = await scaffoldTemplate({
          template,
          dir: resolve(io.cwd, dir ?? name),
          name,
          publisher,
          displayName,
          force: flags.force === true,
        });
        if (flags.json) {
          return printJson(io, {
            dir: result.dir,
            template: result.template,
            name: result.name,
            files: result.files,
          });
        }
        const info = templates.find((t) => t.name === result.template);
        printNextSteps(io, result, info, publisher);
      } finally {
        ask?.close();
      }
    });
};

function printList(io: CliIo, templates: readonly TemplateInfo[], json: boolean): void {
  if (json) {
    printJson(
      io,
      templates.map((t) => ({ name: t.name, description: t.description })),
    );
    return;
  }
  printLine(
    io,
    formatTable(
      ['name', 'description'],
      templates.map((t) => [t.name, t.description]),
    ),
  );
}

function printNextSteps(
  io: CliIo,
  result: { dir: string; template: string; name: string; files: string[] },
  info: TemplateInfo | undefined,
  publisher: string,
): void {
  const rel = relative(io.cwd, result.dir);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? result.dir : rel;
  printLine(
    io,
    `Created ${result.name} from template ${result.template} in ${shown} (${result.files.length} files)`,
  );
  printLine(io);
  printLine(io, 'Next steps:');
  if (shown !== '.') printLine(io, `  cd ${shown}`);
  if (info?.run) printLine(io, `  ${info.run}    # run it locally`);
  printLine(io, '  npx gpuaas-app validate');
  // Outside the app folder (which is packed) and outside any repository: the key cannot ship.
  const key = `~/.config/gpuaas/keys/${publisher}`;
  printLine(io, `  npx gpuaas-app keygen --out ${key}    # once: ${key}.key (private, 0600) and .pub`);
  printLine(
    io,
    `  npx gpuaas-app publish --to <registry>/${publisher}/${result.name}:0.1.0 --key ${key}.key`,
  );
}

interface Prompter {
  question(text: string): Promise<string>;
  /** Writes a line next to the prompts (stderr, so stdout stays clean for results). */
  say(line: string): void;
  close(): void;
}

// Reads answers through an async iterator rather than rl.question(), so lines typed (or piped)
// ahead of a prompt are buffered instead of dropped.
function createPrompter(io: CliIo): Prompter {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async question(text) {
      io.stderr.write(text);
      const next = await lines.next();
      if (next.done) throw new SdkError('USAGE', 'input ended before init had its answers');
      return String(next.value).trim();
    },
    say: (line) => printDiagnostic(io, line),
    close: () => rl.close(),
  };
}

function missing(option: string, hint: string): SdkError {
  return new SdkError('USAGE', `${option} is required when init cannot prompt (--yes or no terminal)`, {
    details: { hint },
  });
}

async function pickTemplate(ask: Prompter | undefined, templates: readonly TemplateInfo[]): Promise<string> {
  const names = templates.map((t) => t.name);
  if (!ask) throw missing('--template', `pass --template with one of: ${names.join(', ')}`);
  templates.forEach((t, i) => ask.say(`  ${i + 1}. ${t.name} — ${t.description}`));
  for (;;) {
    const answer = await ask.question(`Template [1-${templates.length}] (1): `);
    const index = answer === '' ? 0 : Number(answer) - 1;
    const chosen =
      (Number.isInteger(index) ? templates[index]?.name : undefined) ?? names.find((n) => n === answer);
    if (chosen) return chosen;
    ask.say(`"${answer}" is not a template number or name`);
  }
}

async function askName(ask: Prompter | undefined, dir: string | undefined): Promise<string> {
  if (!ask) throw missing('--name', 'pass --name my-app (a DNS label)');
  const fromDir = dir === undefined ? undefined : basename(resolve(dir));
  return askLabel(ask, 'App name', fromDir !== undefined && isDnsLabel(fromDir) ? fromDir : undefined);
}

async function askLabel(ask: Prompter, label: string, fallback: string | undefined): Promise<string> {
  for (;;) {
    const answer =
      (await ask.question(fallback ? `${label} (${fallback}): ` : `${label}: `)) || fallback || '';
    if (isDnsLabel(answer)) return answer;
    ask.say(`"${answer}" is not a DNS label: use lower-case letters, digits and "-", at most 63 characters`);
  }
}
