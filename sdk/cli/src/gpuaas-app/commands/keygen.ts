/**
 * `gpuaas-app keygen`: writes a P-256 signing key pair (PREFIX.key, mode 0600, and PREFIX.pub),
 * creating PREFIX's folder. Thin over `@gpuaas/sdk/keys`; the passphrase never comes from argv,
 * where `ps` and shell history would show it, only from stdin or a named environment variable.
 * Inside a git work tree the private key is added to its folder's `.gitignore` (unless
 * `--no-gitignore`), so `git add .` cannot publish it by accident.
 */
import { resolve } from 'node:path';
import { SdkError } from '@gpuaas/sdk/common';
import { SIGNING_KEY_ENV, SIGNING_KEY_PASSWORD_ENV, writeKeyPair } from '@gpuaas/sdk/keys';
import { printDiagnostic, printJson, printLine, type CliIo } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { ignoreInGit } from '../git-ignore.js';

interface KeygenFlags {
  out: string;
  passphraseStdin?: boolean;
  passphraseEnv?: string;
  force?: boolean;
  json?: boolean;
  /** False with `--no-gitignore`. */
  gitignore: boolean;
}

export const registerKeygen: RegisterCommand = (program, ctx) => {
  program
    .command('keygen')
    .description('Generate an ECDSA P-256 signing key pair: PREFIX.key (private, 0600) and PREFIX.pub')
    .requiredOption('-o, --out <prefix>', 'path prefix of the two files, e.g. ./keys/acme')
    .option('--passphrase-stdin', 'encrypt the private key with a passphrase read from stdin')
    .option(
      '--passphrase-env <var>',
      'encrypt the private key with the passphrase in this environment variable',
    )
    .option('-f, --force', 'overwrite existing key files')
    .option('--no-gitignore', 'inside a git work tree, do not add the private key to .gitignore')
    .option('--json', 'print { privateKey, publicKey, keyId, gitignore } as JSON')
    .action(async (flags: KeygenFlags) => {
      const io = ctx.io;
      const passphrase = await readPassphrase(io, flags);
      const written = await writeKeyPair(resolve(io.cwd, flags.out), {
        ...(passphrase === undefined ? {} : { passphrase }),
        force: flags.force === true,
      });
      const gitignore = flags.gitignore ? await ignoreInGit(written.privateKeyPath) : undefined;
      if (gitignore !== undefined) {
        printDiagnostic(io, `added ${written.privateKeyPath} to ${gitignore}: git will not pick it up`);
      }
      if (passphrase === undefined) {
        printDiagnostic(
          io,
          'warning: the private key is not encrypted; use --passphrase-stdin or --passphrase-env',
        );
      }
      if (flags.json) {
        printJson(io, {
          privateKey: written.privateKeyPath,
          publicKey: written.publicKeyPath,
          keyId: written.keyId,
          gitignore: gitignore ?? null,
        });
        return;
      }
      printLine(
        io,
        `private key: ${written.privateKeyPath} (mode 0600${passphrase === undefined ? '' : ', encrypted'})`,
      );
      printLine(io, `public key:  ${written.publicKeyPath}`);
      printLine(io, `key id:      ${written.keyId}`);
      printDiagnostic(
        io,
        `sign with ${SIGNING_KEY_ENV}=${written.privateKeyPath}` +
          (passphrase === undefined ? '' : ` and the passphrase in ${SIGNING_KEY_PASSWORD_ENV}`),
      );
    });
};

async function readPassphrase(io: CliIo, flags: KeygenFlags): Promise<string | undefined> {
  if (flags.passphraseStdin && flags.passphraseEnv !== undefined) {
    throw new SdkError('USAGE', 'use either --passphrase-stdin or --passphrase-env, not both');
  }
  let passphrase: string | undefined;
  if (flags.passphraseEnv !== undefined) {
    passphrase = io.env[flags.passphraseEnv];
    if (passphrase === undefined || passphrase === '') {
      throw new SdkError(
        'USAGE',
        `--passphrase-env ${flags.passphraseEnv}: the variable is not set or empty`,
      );
    }
  } else if (flags.passphraseStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    // Only the line ending is stripped: spaces may be part of a passphrase.
    passphrase = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
    if (passphrase === '') throw new SdkError('USAGE', '--passphrase-stdin: stdin held no passphrase');
  }
  return passphrase;
}
