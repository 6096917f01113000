// Type-checks example.ts (every API, and wrong options that must be refused) with the repo's
// TypeScript against pkg/*.d.ts, resolved as an integrator's bundler resolves them: through
// pkg/package.json's `exports` (node_modules/@nubefirma/sdk → pkg/). Exit status 0 when clean.
// Run by www-tests/tests/package.spec.mjs; alone: `node www-tests/typecheck/run.mjs`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const pkg = join(root, 'pkg');

// Hand-written types say what things are: no `any` in them.
const declarations = ['index.d.ts', 'verify.d.ts', 'elements.d.ts'];
let failed = false;
for (const file of declarations) {
  readFileSync(join(pkg, file), 'utf8').split('\n').forEach((line, i) => {
    if (/\bany\b/.test(line.replace(/\/\/.*|\/\*.*?\*\/|^\s*\*.*/g, ''))) {
      console.error(`pkg/${file}:${i + 1}: \`any\` in the types: ${line.trim()}`);
      failed = true;
    }
  });
}

const modules = join(here, 'node_modules', '@nubefirma');
rmSync(modules, { recursive: true, force: true });
mkdirSync(modules, { recursive: true });
symlinkSync(pkg, join(modules, 'sdk'), 'dir');
const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['--project', join(here, 'tsconfig.json')], {
  encoding: 'utf8',
});
process.stdout.write(tsc.stdout);
process.stderr.write(tsc.stderr);
if (tsc.status !== 0 || failed) {
  console.error('typecheck: FAILED');
  process.exit(1);
}
console.log(`typecheck: ok (${readdirSync(here).filter((f) => f.endsWith('.ts')).join(', ')} against pkg/${declarations.join(', pkg/')})`);
