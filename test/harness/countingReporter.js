// Runs in mocha (node and the extension host): spec output for people, and a results file for runAll.js.
'use strict';
const fs = require('fs');
const path = require('path');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const file = (options && options.reporterOptions && options.reporterOptions.output) || process.env.DL_RESULTS_FILE;
    const result = { passed: 0, failed: 0, pending: 0, failures: [] };
    runner.on(EVENT_TEST_PASS, () => result.passed++);
    runner.on(EVENT_TEST_PENDING, () => result.pending++);
    runner.on(EVENT_TEST_FAIL, (test, err) => {
      result.failed++;
      result.failures.push({ title: test.fullTitle(), error: String((err && err.stack) || err) });
    });
    runner.once(EVENT_RUN_END, () => {
      if (!file) return;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(result, null, 2));
    });
  }
}

module.exports = CountingReporter;
