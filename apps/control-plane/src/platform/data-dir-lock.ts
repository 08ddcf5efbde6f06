import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * PGlite does not lock its data directory and two processes on one would corrupt it, so a pid file
 * guards it. A stale file (its process is gone) is taken over.
 */
export function acquireDataDirLock(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'control-plane.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      process.once('exit', () => { try { unlinkSync(file); } catch { /* already gone */ } });
      return;
    } catch {
      const pid = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
        throw new Error(`${dataDir} is in use by process ${pid}; stop it or set DWC_DATA_DIR to another directory`);
      }
      unlinkSync(file);
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
