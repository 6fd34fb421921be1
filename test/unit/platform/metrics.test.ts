import { countMetric, NAMESPACES, publishCounts } from '../../../lib/platform/metrics';

/** The EMF documents written to stdout while `fn` runs. */
function emfWrittenBy(fn: () => void): Array<Record<string, unknown> & { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> } }> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));
}

describe('metrics (Powertools, Embedded Metric Format)', () => {
  const saved = process.env.STAGE;
  beforeAll(() => {
    process.env.STAGE = 'metrics-test';
  });
  afterAll(() => {
    process.env.STAGE = saved;
  });

  it('publishes backup counts in the namespace and the single Stage dimension the alarms watch', () => {
    const [doc, ...more] = emfWrittenBy(() => publishCounts(NAMESPACES.backups, { ExportsFailed: 2, StaleTables: 0 }));
    expect(more).toEqual([]);
    expect(doc._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'HelpShelf/Backups',
        Dimensions: [['Stage']],
        Metrics: [
          { Name: 'ExportsFailed', Unit: 'Count' },
          { Name: 'StaleTables', Unit: 'Count' },
        ],
      },
    ]);
    expect(doc).toMatchObject({ Stage: 'metrics-test', ExportsFailed: 2, StaleTables: 0 });
    expect(doc).not.toHaveProperty('service');
  });

  it('publishes an application event at once, in the HelpShelf namespace', () => {
    const docs = emfWrittenBy(() => {
      countMetric('LoginThrottled');
      countMetric('IncidentOpened');
    });
    expect(docs.map((d) => [d._aws.CloudWatchMetrics[0].Namespace, d._aws.CloudWatchMetrics[0].Metrics[0].Name])).toEqual([
      ['HelpShelf', 'LoginThrottled'],
      ['HelpShelf', 'IncidentOpened'],
    ]);
    expect(docs[0]).toMatchObject({ Stage: 'metrics-test', LoginThrottled: 1 });
  });

  it('writes nothing when there is nothing to count', () => {
    expect(emfWrittenBy(() => publishCounts(NAMESPACES.backups, {}))).toEqual([]);
  });
});
