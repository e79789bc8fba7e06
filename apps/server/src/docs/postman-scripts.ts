/** A Postman event: a script run before (`prerequest`) or after (`test`) a request. */
export interface PostmanEvent {
  readonly listen: 'prerequest' | 'test';
  readonly script: { readonly type: 'text/javascript'; readonly exec: readonly string[] };
}

const event = (listen: PostmanEvent['listen'], lines: readonly string[]): PostmanEvent => ({
  listen,
  script: { type: 'text/javascript', exec: lines },
});

/**
 * The checks every request makes: no server error, and an error answer is the one JSON error
 * body with a code from the document's `ErrorBody` catalogue (so a new code cannot slip past).
 */
export const answerChecks = (errorCodes: readonly string[]): string[] => [
  "pm.test('answers without a server error (status below 500)', () => {",
  '  pm.expect(pm.response.code).to.be.below(500);',
  '});',
  'if (pm.response.code >= 400) {',
  "  pm.test('answers an error as JSON with a stable code', () => {",
  '    const body = pm.response.json();',
  `    pm.expect(${JSON.stringify(errorCodes)}).to.include(body.error);`,
  "    pm.expect(body.message).to.be.a('string');",
  '  });',
  '}',
];

/** Asserts a success (2xx), for the Getting started requests that later ones build on. */
export const successCheck = (): string[] => [
  "pm.test('succeeds (2xx)', () => {",
  '  pm.expect(pm.response.code).to.be.within(200, 299);',
  '});',
];

/** Stores the answer's `id` (a created record) in a collection variable. */
export const captureCreatedId = (variable: string): string[] => [
  'if (pm.response.code >= 200 && pm.response.code < 300) {',
  `  pm.collectionVariables.set(${JSON.stringify(variable)}, pm.response.json().id);`,
  '}',
];

/**
 * Stores the first listed record's id when the variable is still empty: for records the
 * collection cannot create (workers, request history), so their read requests have one to read.
 */
export const captureFirstListedId = (variable: string): string[] => [
  `if (pm.response.code === 200 && !pm.collectionVariables.get(${JSON.stringify(variable)})) {`,
  '  const body = pm.response.json();',
  '  const first = (Array.isArray(body) ? body : body.items || [])[0];',
  `  if (first && first.id) pm.collectionVariables.set(${JSON.stringify(variable)}, first.id);`,
  '}',
];

/**
 * Runs before every request: a unique stamp per collection run (names and keys the run creates
 * never collide with an earlier run's), and the admin API key in place of the sign-in token when
 * the `adminApiKey` variable is set.
 */
export const collectionPrerequest = (): PostmanEvent =>
  event('prerequest', [
    "if (!pm.collectionVariables.get('runStamp')) pm.collectionVariables.set('runStamp', String(Date.now()));",
    "const adminApiKey = pm.variables.get('adminApiKey');",
    "if (adminApiKey && pm.request.headers.has('authorization')) {",
    "  pm.request.headers.remove('authorization');",
    "  pm.request.headers.upsert({ key: 'x-api-key', value: adminApiKey });",
    '}',
  ]);

/** The request's test event from script lines. */
export const testEvent = (lines: readonly string[]): PostmanEvent => event('test', lines);

/** The request's pre-request event from script lines. */
export const prerequestEvent = (lines: readonly string[]): PostmanEvent => event('prerequest', lines);
