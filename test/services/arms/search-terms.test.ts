import { contentTerms, searchTerms } from '../../../src/services/arms/retriever/search-terms';

describe('searchTerms', () => {
  test.each([
    [
      'the offline planner quotes the goal: only the quoted content counts',
      'Search the documents for sources relevant to "Research the trade-offs of event sourcing and write a short summary" and return the key passages with their sources.',
      '',
      ['trade-offs', 'event', 'sourcing'],
    ],
    [
      'an unquoted action keeps its own content words',
      'Find benchmarks of PostgreSQL GIN indexes',
      'ignored goal words',
      ['benchmarks', 'postgresql', 'gin', 'indexes'],
    ],
    [
      'the goal fills in an action with no content',
      'Search the documents and return the relevant passages.',
      'Compare Kafka and RabbitMQ',
      ['kafka', 'rabbitmq'],
    ],
    [
      'German words and umlauts survive; German stop words go',
      'Suche: "Die Wärmepumpe im Altbau und der Vorlauf"',
      '',
      ['wärmepumpe', 'altbau', 'vorlauf'],
    ],
    ['duplicates go, order stays', '"cache cache eviction Cache"', '', ['cache', 'eviction']],
    ['numbers are kept', 'Find "RFC 9110 section 15"', '', ['rfc', '9110', 'section', '15']],
  ])('%s', (_name, action, goal, expected) => {
    expect(searchTerms(action, goal)).toEqual(expected);
  });

  test('nothing but instruction words yields no terms', () => {
    expect(searchTerms('Search the documents and return the relevant passages.')).toEqual([]);
  });

  test('a long action is capped at twelve terms', () => {
    const words = Array.from({ length: 30 }, (_, i) => `term${i}`).join(' ');
    expect(searchTerms(words)).toHaveLength(12);
  });
});

test('contentTerms drops stop and instruction words, keeps hyphenated words whole', () => {
  expect(contentTerms('Summarise the state-of-the-art in vector search, please.')).toEqual([
    'state-of-the-art',
    'vector',
  ]);
});
