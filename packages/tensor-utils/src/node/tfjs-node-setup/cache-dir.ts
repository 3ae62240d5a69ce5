import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The per-user cache folder of @frx: `$FRX_CACHE_DIR`, else `$XDG_CACHE_HOME/frx`, else `~/.cache/frx`
 * (`~/Library/Caches/frx` on macOS, `%LOCALAPPDATA%\frx` on Windows). The native set-up keeps one
 * extracted TensorFlow per wheel there (under `tensorflow/`) and one built binding per TensorFlow and
 * tfjs-node version (under `tfjs-node-bindings/`), shared by every clone and project of the user.
 *
 * @param override a folder given by the caller, used as is.
 */
export function frxCacheDir(override?: string): string {
  if (override) return resolve(override);
  const env = process.env;
  if (env.FRX_CACHE_DIR) return resolve(env.FRX_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'frx');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'frx');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'frx');
  return join(homedir(), '.cache', 'frx');
}
