import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// Stryker's vitest runner runs every project of the config it is given; mutation testing uses
// only the `unit` project (tests beside the code, no database servers, no server processes).
const unit = base.test?.projects?.filter(
  (project) => typeof project === 'object' && 'test' in project && project.test?.name === 'unit',
);

export default defineConfig({ ...base, test: { ...base.test, projects: unit ?? [] } });
