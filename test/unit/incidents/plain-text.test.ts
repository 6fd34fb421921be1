import { plainNameProblem } from '../../../lib/incidents/plain-text';

describe('plain-text names (advisory credits, points of contact)', () => {
  it.each([
    ['Ada Lovelace'],
    ["Grace O'Hopper-Smith Jr."],
    ['AT&T Security Team'],
    ['@ada on Mastodon'],
    ['Łukasz Żółć'],
    ['山田 太郎'],
    ['محمد'],
    ['Team 👩‍💻'],
  ])('%s is accepted', (name) => {
    expect(plainNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['<a href="https://evil.example">Ada</a>', 'markup'],
    ['Ada <script>', 'markup'],
    ['Ada>', 'markup'],
    ['Ada\nLovelace', 'control'],
    ['Ada\r', 'control'],
    ['Ada\tL', 'control'],
    ['Ada\u0000', 'control'],
    ['Ada\u007f', 'control'],
    ['Ada\u0085', 'control'],
    ['Ada \u202eecalevoL', 'format'],
    ['Ad\u200ba', 'format'],
    ['\ufeffAda', 'format'],
    ['Ada\u2066', 'format'],
  ] as const)('%j is refused (%s)', (name, problem) => {
    expect(plainNameProblem(name)).toBe(problem);
  });
});
