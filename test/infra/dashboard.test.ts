import { describe, expect, it } from 'vitest';
import { buildJobsApp, SYNTH_TIMEOUT_MS } from './jobs-app';
import { allResources, resolveValue } from './template-values';

/**
 * CloudWatch search's tokens of a name, as its documentation defines them: non-alphanumeric
 * characters delimit, a capital letter after a lower-case one and the first digit of a run
 * start a new token, all tokens are lower case, and the whole name with its delimiters dropped
 * is a token too (`Project2-trial333`: project2trial333, project, 2, trial, 333).
 */
function tokensOf(name: string): string[] {
  const pieces = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const words = pieces.flatMap(
    (piece) => piece.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g) ?? [],
  );
  return [pieces.join('').toLowerCase(), ...words.map((word) => word.toLowerCase())];
}

/**
 * Whether a search term finds `name`: a quoted term must equal the whole name; an unquoted one
 * is tokenized too, and matches when its tokens appear in the name's tokens in a row.
 */
function searchMatches(term: string, name: string): boolean {
  if (term.startsWith('"')) return term.slice(1, -1) === name;
  const wanted = tokensOf(term).slice(1);
  const words = tokensOf(name).slice(1);
  if (wanted.length === 1 && tokensOf(name).includes(wanted[0] ?? '')) return true;
  return words.some((_, start) => wanted.every((token, offset) => words[start + offset] === token));
}

describe('the CloudWatch search that CloudWatch documents', () => {
  it('tokenizes as its documentation shows', () => {
    expect(tokensOf('Project2-trial333')).toEqual([
      'project2trial333',
      'project',
      '2',
      'trial',
      '333',
    ]);
    expect(tokensOf('CustomCount1')).toEqual(['customcount1', 'custom', 'count', '1']);
  });

  it('finds a name by a partial term, and by an exact one only when it is the whole name', () => {
    expect(searchMatches('count', 'CustomCount1')).toBe(true);
    expect(searchMatches('"CustomCount1"', 'CustomCount1')).toBe(true);
    expect(searchMatches('"Custom"', 'CustomCount1')).toBe(false);
  });
});

describe("the app's dashboard", () => {
  const { jobs } = buildJobsApp();
  const resources = allResources(jobs);
  const body = String(
    resolveValue(
      resources.find((resource) => resource.Type === 'AWS::CloudWatch::Dashboard')?.Properties
        .DashboardBody,
    ),
  );
  const termsFor = (dimension: string) =>
    [...body.matchAll(new RegExp(`${dimension}=(\\\\"[^\\\\]*\\\\"|[^\\s'\\\\]+)`, 'g'))].map(
      (match) => (match[1] ?? '').replaceAll('\\"', '"'),
    );
  const namesOf = (type: string, property: string) =>
    resources
      .filter((resource) => resource.Type === type)
      .map((resource) => String(resource.Properties[property]));

  it(
    "finds every one of the app's functions in its Lambda widgets",
    () => {
      const terms = termsFor('FunctionName');
      const functions = namesOf('AWS::Lambda::Function', 'FunctionName');

      expect(terms.length).toBeGreaterThanOrEqual(3);
      expect(functions.length).toBeGreaterThanOrEqual(6);
      for (const term of terms) {
        expect(functions.filter((name) => !searchMatches(term, name))).toEqual([]);
      }
    },
    SYNTH_TIMEOUT_MS,
  );

  it("finds every one of the app's queues, dead-letter queues included", () => {
    const terms = termsFor('QueueName');
    const queues = namesOf('AWS::SQS::Queue', 'QueueName');

    expect(terms.length).toBeGreaterThanOrEqual(1);
    for (const term of terms) {
      expect(queues.filter((name) => !searchMatches(term, name))).toEqual([]);
    }
  });

  it('would have found nothing with the exact form it had, a quoted prefix', () => {
    const functions = namesOf('AWS::Lambda::Function', 'FunctionName');

    expect(functions.filter((name) => searchMatches('"acme-"', name))).toEqual([]);
  });
});
