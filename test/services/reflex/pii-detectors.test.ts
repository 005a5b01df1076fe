import { detectCreditCards, isValidCardNumber } from '../../../src/services/reflex/pii/credit-card';
import { detectPii } from '../../../src/services/reflex/pii/detect-pii';
import { detectEmails } from '../../../src/services/reflex/pii/email';
import { detectIbans, isValidIban } from '../../../src/services/reflex/pii/iban';
import { detectIpAddresses } from '../../../src/services/reflex/pii/ip-address';
import { luhnValid } from '../../../src/services/reflex/pii/luhn';
import { detectPersonNames } from '../../../src/services/reflex/pii/person-name';
import { detectPhones } from '../../../src/services/reflex/pii/phone';
import type { PiiSpan } from '../../../src/services/reflex/pii/pii-types';
import { detectSecrets } from '../../../src/services/reflex/pii/secrets';
import { detectStreetAddresses } from '../../../src/services/reflex/pii/street-address';
import { detectUsSsns } from '../../../src/services/reflex/pii/us-ssn';

/** The values a detector found, for readable assertions. */
const values = (text: string, spans: PiiSpan[]) => spans.map((s) => text.slice(s.start, s.end));

describe('e-mail', () => {
  it('finds valid addresses with their exact span', () => {
    const text = 'Write to "jane.doe+news@mail.example.co.uk" or <ops@example.org>.';
    expect(values(text, detectEmails(text))).toEqual([
      'jane.doe+news@mail.example.co.uk',
      'ops@example.org',
    ]);
  });
  it.each([
    'a..b@example.com',
    'a.@example.com',
    'a@-example.com',
    'a@example.c0m',
    'user@localhost',
  ])('rejects %s', (text) => expect(detectEmails(text)).toEqual([]));
});

describe('phone numbers', () => {
  it.each([
    ['international', 'Call +44 20 7946 0958 today', '+44 20 7946 0958'],
    ['US national with area code', 'They are not answering at (415) 555-2671', '(415) 555-2671'],
    ['German with context word', 'Telefon: 030 901820', '030 901820'],
    ['extension', 'Desk: 212-555-0187 x123', '212-555-0187 x123'],
    ['00 prefix', 'Fax 0041 44 668 18 00', '0041 44 668 18 00'],
  ])('finds %s numbers', (_name, text, expected) => {
    expect(values(text, detectPhones(text))).toEqual([expected]);
  });
  it.each([
    ['a date', 'Released on 2021-04-16 10:30'],
    ['an amount', 'Revenue was 4,250,000 EUR'],
    ['a short ungrouped id without context', 'Order 88123-17 shipped'],
    ['an id with an id word before it', 'Invoice 030 901 820 is overdue'],
    ['a version', 'Upgrade to 10.4.1'],
  ])('ignores %s', (_name, text) => {
    expect(detectPhones(text)).toEqual([]);
  });
});

describe('credit cards', () => {
  it('checks Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
  it('requires a known issuer and length', () => {
    expect(isValidCardNumber('378282246310005')).toBe(true); // Amex test number
    expect(isValidCardNumber('9111111111111111')).toBe(false);
  });
  it('finds grouped and ungrouped numbers, not Luhn-invalid ones', () => {
    const text =
      'Cards: 4111 1111 1111 1111, 5555-5555-5555-4444, 378282246310005, 4111 1111 1111 1112.';
    expect(values(text, detectCreditCards(text))).toEqual([
      '4111 1111 1111 1111',
      '5555-5555-5555-4444',
      '378282246310005',
    ]);
  });
  it('ignores inconsistent grouping', () => {
    expect(detectCreditCards('ref 4111-11 11111-1111 11')).toEqual([]);
  });
});

describe('US social security numbers', () => {
  it('finds valid numbers and skips never-issued ranges', () => {
    const text =
      'SSN 123-45-6780; also 000-12-3456, 666-12-3456, 912-12-3456, 123-00-4567, 123-45-0000.';
    expect(values(text, detectUsSsns(text))).toEqual(['123-45-6780']);
  });
  it('needs a keyword for unseparated numbers', () => {
    expect(detectUsSsns('Tracking 123456780')).toEqual([]);
    expect(
      values(
        'Social security number: 123456780',
        detectUsSsns('Social security number: 123456780'),
      ),
    ).toEqual(['123456780']);
  });
});

describe('IBAN', () => {
  it('validates country length and mod-97', () => {
    expect(isValidIban('DE89370400440532013000')).toBe(true);
    expect(isValidIban('DE89370400440532013001')).toBe(false);
    expect(isValidIban('XX89370400440532013000')).toBe(false);
  });
  it('finds compact, grouped and lower-case IBANs, cut at the right length', () => {
    const text = 'Pay DE89 3704 0044 0532 0130 00 or gb82west12345698765432 to me';
    expect(values(text, detectIbans(text))).toEqual([
      'DE89 3704 0044 0532 0130 00',
      'gb82west12345698765432',
    ]);
  });
});

describe('IP addresses', () => {
  it('finds IPv4 and IPv6 and skips invalid octets and versions', () => {
    const text =
      'Hosts 192.168.0.1, 2001:db8::8a2e:370:7334 and ::1; not 256.1.1.1, not version 1.2.3.4, 10:30:00.';
    expect(values(text, detectIpAddresses(text))).toEqual([
      '192.168.0.1',
      '2001:db8::8a2e:370:7334',
    ]);
  });
});

describe('secrets', () => {
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  it.each([
    ['an AWS key id', 'key AKIAIOSFODNN7EXAMPLE here', 'AKIAIOSFODNN7EXAMPLE'],
    [
      'a GitHub token',
      'token ghp_abcdefghijklmnopqrstuvwxyz0123456789 ok',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    ],
    ['a JWT', `Bearer ${jwt}`, jwt],
    ['an assigned password', 'password = "S3cr3t!Pass"', 'S3cr3t!Pass'],
    [
      'a private key block',
      'x -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- y',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    ],
  ])('finds %s', (_name, text, expected) => {
    expect(values(text, detectSecrets(text))).toEqual([expected]);
  });
  it('ignores ordinary words after "password"', () => {
    expect(detectSecrets('the password is forgotten')).toEqual([]);
  });
});

describe('person names', () => {
  it.each([
    [
      'a given name with surname',
      'The report was reviewed by Anna Schmidt yesterday.',
      'Anna Schmidt',
    ],
    ['a title', 'Please ask Dr. Okonkwo about it.', 'Okonkwo'],
    ['a cue', 'Hello, my name is Zorro Quintana.', 'Zorro Quintana'],
    ['particles and initials', 'Signed: Willem J. van Dijk', 'Willem J. van Dijk'],
  ])('finds %s', (_name, text, expected) => {
    expect(values(text, detectPersonNames(text))).toContain(expected);
  });
  it('does not take companies or streets for people', () => {
    expect(detectPersonNames('I work for Morgan Technologies and live on Anna Street.')).toEqual(
      [],
    );
  });
  it('does not take everyday words that are also names', () => {
    expect(detectPersonNames('Will you grant me hope?')).toEqual([]);
  });
});

describe('street addresses', () => {
  it.each([
    [
      'US style with unit',
      'Send it to 1600 Pennsylvania Avenue NW, Suite 4 please',
      '1600 Pennsylvania Avenue NW, Suite 4',
    ],
    ['German', 'Wir wohnen in der Hauptstraße 12a in Berlin.', 'Hauptstraße 12a'],
    ['Italian', 'Ufficio: Via Garibaldi 71, Lugano', 'Via Garibaldi 71'],
    ['post box', 'Write to P.O. Box 1234, Springfield', 'P.O. Box 1234'],
  ])('finds %s addresses', (_name, text, expected) => {
    expect(values(text, detectStreetAddresses(text))).toContain(expected);
  });
  it('ignores numbers followed by ordinary words', () => {
    expect(detectStreetAddresses('We sold 42 units on the road show.')).toEqual([]);
  });
});

describe('detectPii', () => {
  it('resolves overlaps in favour of the more specific type', () => {
    const text = 'Mail anna.schmidt@example.com or card 4111 1111 1111 1111';
    expect(detectPii(text).map((s) => s.type)).toEqual(['EMAIL', 'CREDIT_CARD']);
  });
  it('can be limited to some types', () => {
    expect(
      detectPii('jane@example.com +44 20 7946 0958', { types: ['PHONE'] }).map((s) => s.type),
    ).toEqual(['PHONE']);
  });
});
