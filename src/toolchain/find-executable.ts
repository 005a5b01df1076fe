import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/** True when `file` is a regular file the current user may execute. */
export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * First executable called `name` in a PATH-style string, like `command -v`. Takes the PATH
 * string as a parameter so tests and the config layer control it.
 */
export async function findOnPath(
  name: string,
  pathString: string | undefined = process.env.PATH,
): Promise<string | undefined> {
  for (const dir of (pathString ?? '').split(path.delimiter)) {
    // An empty PATH entry means the current directory; skip it rather than run stray files.
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
