import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Scratch space of one test run (git-ignored): captured logs, the packaged template, stage files. */
export const TEST_STAGE_DIR = path.join(ROOT, '.test-stage');
export const LOG_DIR = path.join(TEST_STAGE_DIR, 'logs');
export const PACKAGE_DIR = path.join(TEST_STAGE_DIR, 'package');
/** The same service packaged for a second stage name (staging): promises kept in every environment. */
export const STAGING_PACKAGE_DIR = path.join(TEST_STAGE_DIR, 'package-staging');
export const E2E_STATE_FILE = path.join(TEST_STAGE_DIR, 'e2e-stage.json');
export const FUNCTIONS_FILE = path.join(TEST_STAGE_DIR, 'functions.json');
export const STAGE_CONFIG_FILE = path.join(TEST_STAGE_DIR, 'stage-config.json');
