import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TEST_STATE_DIR } from '../repo-paths.ts';
import { installDebianPackages } from '../services/apt-install.ts';

/** Debian's Chromium, which the dashboard's browser suites drive. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Debian's CJK fonts: without them the screenshots of the Chinese and Japanese shell show boxes
 * (the text in the page is right either way).
 */
const CJK_FONT_DIR = '/usr/share/fonts/opentype/noto';

/**
 * Makes sure Chromium and the CJK fonts are installed for the dashboard stage, with apt-get when
 * missing (a clean CI machine). Resolves to null when Chromium is there, or to why it could not be
 * installed.
 */
export const ensureChromium = async (log: (line: string) => void): Promise<string | null> => {
  const packages = [
    ...(existsSync(CHROMIUM_PATH) ? [] : ['chromium']),
    ...(existsSync(CJK_FONT_DIR) ? [] : ['fonts-noto-cjk']),
  ];
  if (packages.length === 0) return null;
  await mkdir(TEST_STATE_DIR, { recursive: true });
  try {
    await installDebianPackages({ packages, logFile: join(TEST_STATE_DIR, 'chromium-install.log'), log });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // Missing fonts only spoil screenshots; the suites still run.
    if (!existsSync(CHROMIUM_PATH)) return reason;
    log(`the CJK fonts could not be installed, screenshots will show boxes for them: ${reason}`);
  }
  return existsSync(CHROMIUM_PATH)
    ? null
    : `apt-get installed chromium but ${CHROMIUM_PATH} is still missing`;
};
