import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnedService {
  child: ChildProcess;
  /** The port it listens on, once its `listening` log line is out; absent when it exited first. */
  port?: number;
  exitCode?: number;
  output: string;
}

/**
 * Runs the service as a child process (`args` after `node`) and resolves when it logs that it listens, or when it exits.
 *
 * @example
 * const { child, port } = await spawnService(['dist/src/main.js'], { cwd: dir, env: { PORT: '0' } });
 */
export function spawnService(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<SpawnedService> {
  const child = spawn(process.execPath, args, options);
  let output = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"port":(\d+)/.exec(output);
      if (match && /listening/.test(output)) resolve({ child, port: Number(match[1]), output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => resolve({ child, exitCode: code ?? -1, output }));
  });
}
