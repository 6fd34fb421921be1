// The leak scanner behind the check that runs after the whole suite (leak-reporter.js). Plain
// CommonJS so jest's main process can load it as a reporter dependency without a transform.
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const path = require('node:path');

const MIN_LENGTH = 8;
/** Card fields whose values are card data; their fixture values are secrets for the check. */
const CARD_FIELDS = new Set(['number', 'cvc', 'fingerprint', 'card_number', 'exp', 'iin']);
/** Stripe's public test card numbers, in case a test sends one. */
const TEST_CARD_NUMBERS = ['4242424242424242', '4000056655665556', '5555555555554444', '4000000000000002'];

/** Registered secrets written at or after `since` (epoch ms). */
function registeredSecrets(registryFile, since) {
  if (!existsSync(registryFile)) return [];
  const out = [];
  for (const line of readFileSync(registryFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line);
      if (typeof entry.value === 'string' && (entry.at ?? 0) >= since) out.push({ label: entry.label || 'registered secret', value: entry.value });
    } catch {
      // a torn line from a crashed worker: ignore it
    }
  }
  return out;
}

/** Card field values found in a Stripe fixtures file (objects named `card` or with object: "card"). */
function cardFieldSecrets(fixturesFile) {
  if (!existsSync(fixturesFile)) return [];
  const out = [];
  const walk = (value, inCard) => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, inCard));
    if (!value || typeof value !== 'object') return;
    const isCard = inCard || value.object === 'card';
    for (const [key, inner] of Object.entries(value)) {
      if (isCard && CARD_FIELDS.has(key) && (typeof inner === 'string' || typeof inner === 'number')) out.push({ label: `card ${key} (fixtures)`, value: String(inner) });
      walk(inner, key === 'card' || (isCard && key !== 'checks'));
    }
  };
  walk(JSON.parse(readFileSync(fixturesFile, 'utf8')), false);
  return [...out, ...TEST_CARD_NUMBERS.map((value) => ({ label: 'test card number', value }))];
}

/** Every secret the check looks for, deduplicated, too-short values dropped. */
function collectSecrets({ registryFile, since = 0, fixturesFile, env = process.env }) {
  const all = [
    ...registeredSecrets(registryFile, since),
    ...(fixturesFile ? cardFieldSecrets(fixturesFile) : []),
    ...(env.HELPSHELF_TEST_WEBHOOK_SECRET ? [{ label: 'HELPSHELF_TEST_WEBHOOK_SECRET', value: env.HELPSHELF_TEST_WEBHOOK_SECRET }] : []),
  ];
  const seen = new Map();
  for (const s of all) if (s.value.length >= MIN_LENGTH && !seen.has(s.value)) seen.set(s.value, s.label);
  return [...seen].map(([value, label]) => ({ label, value }));
}

/** The forms a secret can take in a log line: as is, JSON-escaped, URL-encoded, base64. */
function variants(value) {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), Buffer.from(value).toString('base64').replace(/=+$/, '')]);
  return [...forms].filter((f) => f.length >= MIN_LENGTH);
}

function logFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

/**
 * Scans every file of `dir` for every secret. Returns where each leak is (file, line number and
 * the secret's label) — never the secret itself, so the report does not leak it again.
 */
function scanForLeaks(dir, secrets) {
  const files = logFiles(dir);
  const leaks = [];
  const patterns = secrets.map((s) => ({ label: s.label, forms: variants(s.value) }));
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      for (const p of patterns) {
        if (p.forms.some((f) => line.includes(f))) leaks.push({ file, line: index + 1, label: p.label });
      }
    });
  }
  return { files: files.length, secrets: secrets.length, leaks };
}

module.exports = { collectSecrets, scanForLeaks, cardFieldSecrets, registeredSecrets, MIN_LENGTH };
