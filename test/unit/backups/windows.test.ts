import { exportClientToken, exportPrefix, exportWindow } from '../../../lib/backups/windows';
import { EXPORT_TYPES } from '../../../lib/backups/types';

const table = { logical: 'accounts', name: 'helpshelf-prod-accounts', critical: true };

describe('export windows', () => {
  it('when a full export runs at any time of a UTC day, it belongs to that day', () => {
    const first = exportWindow(EXPORT_TYPES.full, Date.parse('2026-11-24T00:00:00.000Z'));
    const last = exportWindow(EXPORT_TYPES.full, Date.parse('2026-11-24T23:59:59.999Z'));
    expect(first).toEqual({ type: 'FULL_EXPORT', key: '2026-11-24', from: '2026-11-24T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' });
    expect(last).toEqual(first);
    expect(exportWindow(EXPORT_TYPES.full, Date.parse('2026-11-25T00:00:00.000Z')).key).toBe('2026-11-25');
  });

  it('when an incremental export runs, it covers the last completed 4-hour slot, never the future', () => {
    expect(exportWindow(EXPORT_TYPES.incremental, Date.parse('2026-11-24T04:15:00.000Z'))).toEqual({
      type: 'INCREMENTAL_EXPORT',
      key: '2026-11-24T00',
      from: '2026-11-24T00:00:00.000Z',
      to: '2026-11-24T04:00:00.000Z',
    });
    expect(exportWindow(EXPORT_TYPES.incremental, Date.parse('2026-11-24T03:59:59.999Z')).from).toBe('2026-11-23T20:00:00.000Z');
  });

  it('derives the same ClientToken for the same table and window, and a different one otherwise', () => {
    const w = exportWindow(EXPORT_TYPES.full, Date.parse('2026-11-24T10:00:00Z'));
    const token = exportClientToken(table.name, w);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(exportClientToken(table.name, exportWindow(EXPORT_TYPES.full, Date.parse('2026-11-24T22:00:00Z')))).toBe(token);
    expect(exportClientToken('helpshelf-prod-tokens', w)).not.toBe(token);
    expect(exportClientToken(table.name, exportWindow(EXPORT_TYPES.full, Date.parse('2026-11-25T10:00:00Z')))).not.toBe(token);
    expect(exportClientToken(table.name, exportWindow(EXPORT_TYPES.incremental, Date.parse('2026-11-24T10:00:00Z')))).not.toBe(token);
    expect(exportPrefix(table, w)).toBe('exports/accounts/full/2026-11-24');
  });
});
