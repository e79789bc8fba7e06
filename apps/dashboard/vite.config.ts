import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { firstLoadReport, type ReportedChunk } from './scripts/first-load-size.ts';

/** Budget of the first load (issue 17): the build fails above it. */
const FIRST_LOAD_BUDGET_GZIP_BYTES = 250 * 1024;

const rootVersion = (): string => {
  const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
  return typeof manifest.version === 'string' ? manifest.version : 'dev';
};

/** Prints the first-load JavaScript (gzip) and keeps it in `dist/build-report.json`. */
const firstLoadBudget = (): Plugin => {
  return {
    name: 'tempo-first-load-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks: ReportedChunk[] = [];
      for (const output of Object.values(bundle)) {
        if (output.type === 'chunk') {
          chunks.push({
            fileName: output.fileName,
            isEntry: output.isEntry,
            code: output.code,
            imports: output.imports,
          });
        }
      }
      const report = firstLoadReport(chunks);
      const kib = (bytes: number) => (bytes / 1024).toFixed(1);
      this.info(
        `first-load JS: ${kib(report.gzipBytes)} KiB gzip (${kib(report.rawBytes)} KiB raw, ${report.files.length} files)`,
      );
      process.stdout.write(
        `tempo dashboard: first-load JS ${kib(report.gzipBytes)} KiB gzip, ${kib(report.rawBytes)} KiB raw (budget ${kib(FIRST_LOAD_BUDGET_GZIP_BYTES)} KiB)\n`,
      );
      if (report.gzipBytes > FIRST_LOAD_BUDGET_GZIP_BYTES) {
        this.error(`first-load JS is ${kib(report.gzipBytes)} KiB gzip, over the 250 KiB budget`);
      }
      this.emitFile({
        type: 'asset',
        fileName: 'build-report.json',
        source: JSON.stringify(report, null, 2),
      });
    },
  };
};

export default defineConfig({
  plugins: [react(), firstLoadBudget()],
  define: {
    'import.meta.env.VITE_APP_VERSION': JSON.stringify(process.env.VITE_APP_VERSION ?? rootVersion()),
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
});
