/**
 * The part of vitest's API that the mutation test set uses (describe / it / each / hooks, expect,
 * vi.spyOn / fn, fake setInterval), for `stryker/inProcessRunner.js`, which loads the test files
 * once and runs them in its own process. `expect` is vitest's own (`@vitest/expect` on chai), so
 * matchers behave as in vitest. The runner maps `import ... from 'vitest'` here (loaderHooks.js).
 */
import {
  ASYMMETRIC_MATCHERS_OBJECT,
  ChaiStyleAssertions,
  chai,
  GLOBAL_EXPECT,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from '@vitest/expect';
import { fn, spyOn } from '@vitest/spy';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(ChaiStyleAssertions);
chai.use(JestAsymmetricMatchers);

/** vitest's `expect` without snapshots, polling or soft assertions. */
export const expect = (value, message) => chai.expect(value, message);
Object.assign(expect, chai.expect);
Object.assign(expect, globalThis[ASYMMETRIC_MATCHERS_OBJECT]);
setState(
  {
    assertionCalls: 0,
    isExpectingAssertions: false,
    isExpectingAssertionsError: null,
    expectedAssertionsNumber: null,
    expectedAssertionsNumberErrorGen: null,
    currentTestName: '',
  },
  expect,
);
expect.extend = (matchers) => chai.expect.extend(expect, matchers);
globalThis[GLOBAL_EXPECT] = expect;

const newSuite = (name, parent, file) => ({
  name,
  parent,
  file,
  children: [],
  beforeAll: [],
  afterAll: [],
  beforeEach: [],
  afterEach: [],
});

/** Suites and tests of every loaded file, in declaration order. */
export const root = newSuite('', null, '');
let current = root;
let currentFile = '';

/** Collect the tests `load` declares as those of `file`. */
export async function collect(file, load) {
  const suite = newSuite('', root, file);
  root.children.push(suite);
  current = suite;
  currentFile = file;
  try {
    await load();
  } finally {
    current = root;
  }
}

function format(template, args, index) {
  let i = 0;
  return template.replace(/%[sdifjoO#%]/g, (m) => {
    if (m === '%%') return '%';
    if (m === '%#') return String(index);
    const v = args[i++];
    if (m === '%i') return String(Number.parseInt(v, 10));
    if (m === '%d' || m === '%f') return String(Number(v));
    if (m === '%j') return JSON.stringify(v);
    if (m === '%o' || m === '%O') return JSON.stringify(v) ?? String(v);
    return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  });
}

const each = (declare) => (rows) => (name, body, timeout) =>
  rows.forEach((row, index) => {
    const args = Array.isArray(row) ? row : [row];
    declare(format(name, args, index), () => body(...args), timeout);
  });

export function describe(name, body) {
  const suite = newSuite(name, current, currentFile);
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    body();
  } finally {
    current = parent;
  }
}
describe.each = each(describe);
describe.skip = () => {};

export function it(name, body) {
  current.children.push({ name, body, parent: current, file: currentFile });
}
it.each = each(it);
it.todo = () => {};
it.skip = () => {};
it.skip.each = () => () => {};
export const test = it;

export const beforeAll = (f) => current.beforeAll.push(f);
export const afterAll = (f) => current.afterAll.push(f);
export const beforeEach = (f) => current.beforeEach.push(f);
export const afterEach = (f) => current.afterEach.push(f);

/** Fake `setInterval` / `clearInterval` (the only timers the test set fakes). */
const timers = { real: null, now: 0, next: 1, intervals: new Map() };

export const vi = {
  fn,
  spyOn,
  useFakeTimers() {
    timers.real ??= { setInterval: globalThis.setInterval, clearInterval: globalThis.clearInterval };
    timers.now = 0;
    timers.intervals.clear();
    globalThis.setInterval = (callback, ms = 0, ...args) => {
      const id = timers.next++;
      timers.intervals.set(id, { callback, ms: Math.max(1, ms), due: timers.now + Math.max(1, ms), args });
      const handle = { id, ref: () => handle, unref: () => handle, hasRef: () => true };
      return handle;
    };
    globalThis.clearInterval = (handle) => timers.intervals.delete(handle?.id ?? handle);
    return vi;
  },
  useRealTimers() {
    if (timers.real) Object.assign(globalThis, timers.real);
    timers.real = null;
    timers.intervals.clear();
    return vi;
  },
  advanceTimersByTime(ms) {
    const end = timers.now + ms;
    for (;;) {
      let first = null;
      for (const [id, t] of timers.intervals)
        if (t.due <= end && (first === null || t.due < first[1].due)) first = [id, t];
      if (first === null) break;
      const [, t] = first;
      timers.now = t.due;
      t.due += t.ms;
      t.callback(...t.args);
    }
    timers.now = end;
    return vi;
  },
  getTimerCount: () => timers.intervals.size,
  restoreAllMocks() {},
};

/** Every test under `suite`, in order, with its id (`file#suite names test name`, as vitest's Stryker runner). */
export function allTests(suite = root) {
  const out = [];
  const walk = (s) => {
    for (const child of s.children) {
      if (child.children) walk(child);
      else out.push({ ...child, id: `${child.file}#${fullName(child)}` });
    }
  };
  walk(suite);
  return out;
}

function fullName(test) {
  const parts = [test.name];
  for (let s = test.parent; s && s !== root; s = s.parent) parts.unshift(s.name);
  return parts.join(' ').trim().replace(/\s+/g, ' ');
}

function chain(test) {
  const suites = [];
  for (let s = test.parent; s; s = s.parent) suites.unshift(s);
  return suites;
}

const TIMED_OUT = 'timed out';

/** `result` (a test's return value), or a rejection with TIMED_OUT if it is a promise still pending after `ms`. */
async function withTimeout(result, ms) {
  if (!(result instanceof Promise) || ms === Infinity) return result;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(TIMED_OUT)), ms);
  });
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Errors thrown from event-loop callbacks (a `setImmediate` turn, a rejected promise nobody
 * awaits). vitest reports them as errors of the run, which fails it; without a listener they
 * would end the runner's process, and Stryker would count the mutant as an error instead of
 * killed. They go to the test running when they happen (`uncaught.sink`).
 */
const uncaught = { installed: false, sink: null };
function listenForUncaught() {
  if (uncaught.installed) return;
  uncaught.installed = true;
  const onError = (error) => uncaught.sink?.(error);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
}

const describeError = (error) => (error instanceof Error ? `${error.message}` : String(error));

/**
 * Run `tests` in order (each `{ id, body, parent }`), calling `before(test)` first; stop after the
 * first failure if `bail`, and after a test whose promise is still pending after `timeoutMs` (a
 * mutant that makes the machine wait forever: the event loop is free, so no process has to be
 * killed). beforeAll / afterAll hooks run around the tests of their suite that run. An error
 * thrown from an event-loop callback while a test runs (or in the turn after the last one) fails
 * that test, as vitest fails a run with unhandled errors.
 * Returns one result per test run: `{ id, name, failure | null, timedOut, ms }`.
 */
export async function runTests(tests, { bail, before = () => {}, timeoutMs = Infinity }) {
  listenForUncaught();
  const results = [];
  const entered = [];
  let last = null;
  try {
    for (const test of tests) {
      const suites = chain(test);
      let failure = null;
      let stray = null;
      let rejectStray;
      const strayError = new Promise((_, reject) => {
        rejectStray = reject;
      });
      strayError.catch(() => {});
      uncaught.sink = (error) => {
        if (stray !== null) return;
        stray = error;
        rejectStray(error);
      };
      const start = performance.now();
      try {
        for (const s of suites) {
          if (entered.includes(s)) continue;
          entered.push(s);
          for (const h of s.beforeAll) await h();
        }
        before(test);
        for (const s of suites) for (const h of s.beforeEach) await h();
        try {
          const result = test.body();
          await withTimeout(
            result instanceof Promise ? Promise.race([result, strayError]) : result,
            timeoutMs,
          );
        } finally {
          for (const s of [...suites].reverse()) for (const h of s.afterEach) await h();
        }
      } catch (error) {
        failure = describeError(error);
      }
      if (failure === null && stray !== null) failure = `uncaught error: ${describeError(stray)}`;
      const timedOut = failure === TIMED_OUT;
      const result = { id: test.id, name: fullName(test), failure, timedOut, ms: performance.now() - start };
      results.push(result);
      last = result;
      if (timedOut || (failure !== null && bail)) break;
    }
    // The callbacks the last test left for the next turn fail it.
    if (last !== null) {
      uncaught.sink = (error) => {
        if (last.failure === null) last.failure = `uncaught error: ${describeError(error)}`;
      };
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    uncaught.sink = null;
    for (const s of entered.reverse()) for (const h of s.afterAll) await h();
  }
  return results;
}
