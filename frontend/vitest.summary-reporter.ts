import type { Reporter, TestModule } from 'vitest/node'

/**
 * Prints one plain closing line, `vitest: N passed, N failed[, N skipped]`, after the default
 * reporter's summary so CI can aggregate counts across runners.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      if (module.state() === 'failed' && module.children.size === 0) {
        failed++ // a file that failed to load counts as one failure
      }
    }
    const tail = skipped > 0 ? `, ${skipped} skipped` : ''
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed${tail}\n`)
  }
}
