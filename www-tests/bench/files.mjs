// What the browser benchmarks share: their large input files and the browser's memory.
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { createHash, randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MIB = 1024 * 1024;

/** Resident memory (KiB) of every Chromium process: the page, its Worker, the browser. */
export function chromiumRssKib() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s+chrom/m.test(status)) continue;
      total += Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** A file of `mib` MiB of random bytes in the temporary folder, made once per size. */
export function bigFile(mib) {
  const path = join(tmpdir(), `nubefirma-bench-${mib}.bin`);
  try {
    if (statSync(path).size === mib * MIB) return path;
  } catch {
    // made below
  }
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(MIB);
  for (let i = 0; i < mib; i += 1) writeSync(fd, randomFillSync(chunk));
  closeSync(fd);
  return path;
}

/** SHA-256 (hex) of the file at `path`, read 16 MiB at a time. */
export function sha256OfFile(path) {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  const chunk = Buffer.alloc(16 * MIB);
  for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
  closeSync(fd);
  return hash.digest('hex');
}
