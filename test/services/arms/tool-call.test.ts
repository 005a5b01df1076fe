import { findToolCall } from '../../../src/services/arms/executor/tool-call';

describe('findToolCall reads the forms a step names a tool in', () => {
  test.each([
    ['calc: 5 km to m', { tool: 'calc', expression: '5 km to m' }],
    ['  CALC :  2 * (3 + 4)', { tool: 'calc', expression: '2 * (3 + 4)' }],
    [
      'Convert the distance.\ncalc: x = 5 km\nx to m',
      { tool: 'calc', expression: 'x = 5 km\nx to m' },
    ],
    [
      'http_get: https://api.example.org/items?page=2 and return it',
      { tool: 'http_get', url: 'https://api.example.org/items?page=2' },
    ],
    [
      'HTTP GET https://data.example.org/v1/rates.json (allowlisted host) and return the response body.',
      { tool: 'http_get', url: 'https://data.example.org/v1/rates.json' },
    ],
    [
      'json_transform: items[price > 10].name',
      { tool: 'json_transform', expression: 'items[price > 10].name' },
    ],
    [
      '{"tool":"json_transform","expression":"$sum(items.price)","input":{"items":[{"price":2}]}}',
      {
        tool: 'json_transform',
        expression: '$sum(items.price)',
        input: { items: [{ price: 2 }] },
      },
    ],
    [
      'Run this: {"tool":"json_transform","expression":"name","input_from":"s1"} please',
      { tool: 'json_transform', expression: 'name', input_from: 's1' },
    ],
    ['{"tool":"calc","expression":"sqrt(16)"}', { tool: 'calc', expression: 'sqrt(16)' }],
  ])('%j', (action, call) => {
    expect(findToolCall(action)).toEqual({ found: true, call });
  });

  test('an action naming no tool is not a tool call', () => {
    expect(findToolCall('Evaluate the expressions with the arithmetic tool.')).toBeUndefined();
    expect(findToolCall('Transform the JSON {as needed}')).toBeUndefined();
  });

  test('a malformed call is reported, not guessed', () => {
    expect(findToolCall('calc:')).toEqual({
      found: false,
      problem: expect.stringMatching(/expression: must be an arithmetic or unit expression/),
    });
    expect(findToolCall('{"tool":"shell","command":"rm -rf /"}')).toEqual({
      found: false,
      problem: expect.stringMatching(/malformed tool call/),
    });
    expect(findToolCall('{"tool":"http_get"}')).toEqual({
      found: false,
      problem: expect.stringMatching(/url/),
    });
  });
});
