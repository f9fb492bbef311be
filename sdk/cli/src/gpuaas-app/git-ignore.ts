/**
 * Keeps a private key out of git: when the key lands inside a git work tree, its file name is
 * added to the `.gitignore` of its own folder (created if missing), so a later `git add .` skips
 * it. Detects the work tree by looking for `.git` (a folder, or the file of a worktree or
 * submodule) from the key's folder up; git itself is not needed.
 */
import { appendFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SdkError } from '@gpuaas/sdk/common';

/** The root of the git work tree holding `dir`, or undefined outside one. */
export async function gitWorkTree(dir: string): Promise<string | undefined> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    try {
      await stat(path.join(current, '.git'));
      return current;
    } catch {
      // Not here; one level up.
    }
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * Ignores `file` in git when it lies in a work tree. Returns the `.gitignore` written, or
 * undefined when none was needed (outside a work tree, or the entry was there already).
 */
export async function ignoreInGit(file: string): Promise<string | undefined> {
  const dir = path.dirname(file);
  if ((await gitWorkTree(dir)) === undefined) return undefined;
  const gitignore = path.join(dir, '.gitignore');
  // Anchored, so it names this file only, not one of the same name in a subfolder.
  const entry = `/${path.basename(file).replace(/([*?[\]\\!#])/g, '\\$1')}`;
  let text = '';
  try {
    text = await readFile(gitignore, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(gitignore, error);
  }
  if (text.split(/\r?\n/).some((line) => line.trim() === entry)) return undefined;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  try {
    await appendFile(gitignore, `${separator}# private signing key (gpuaas-app keygen)\n${entry}\n`);
  } catch (error) {
    throw writeError(gitignore, error);
  }
  return gitignore;
}

function writeError(file: string, error: unknown): SdkError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SdkError('IO_ERROR', `cannot update ${file}: ${reason}`, {
    cause: error,
    details: { path: file },
  });
}
