export interface Secret {
  label: string;
  value: string;
}
export interface Leak {
  file: string;
  line: number;
  label: string;
}
export const MIN_LENGTH: number;
export function collectSecrets(options: { registryFile: string; since?: number; fixturesFile?: string; env?: Record<string, string | undefined> }): Secret[];
export function scanForLeaks(dir: string, secrets: Secret[]): { files: number; secrets: number; leaks: Leak[] };
export function cardFieldSecrets(fixturesFile: string): Secret[];
export function registeredSecrets(registryFile: string, since: number): Secret[];
