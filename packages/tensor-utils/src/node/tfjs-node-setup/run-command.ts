import { spawn } from 'node:child_process';

/** What a finished command printed. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command after this many milliseconds (default: no limit). */
  timeoutMs?: number;
  /** Receives each output line as it comes (for long builds). */
  onLine?: (line: string) => void;
}

/**
 * Runs a command without a shell and collects its output (the last 64 KB of each stream). Resolves
 * with `code: null` when it could not start or was killed; never rejects.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult & { error?: Error }> {
  return new Promise((done) => {
    const keep = 64 * 1024;
    let stdout = '';
    let stderr = '';
    let pending = '';
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    const lines = (chunk: string) => {
      if (!options.onLine) return;
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const line of parts) options.onLine(line);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-keep);
      lines(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-keep);
      lines(chunk);
    });
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      done({ code: null, stdout, stderr, error });
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (pending && options.onLine) options.onLine(pending);
      done({ code, stdout, stderr });
    });
  });
}

/** The last `n` non-empty lines of a command's output, for error messages. */
export function tail(text: string, n = 12): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .join('\n');
}
