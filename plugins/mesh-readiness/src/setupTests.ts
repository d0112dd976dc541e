import '@testing-library/jest-dom';

// jsdom has no layout and no ResizeObserver; recharts' ResponsiveContainer
// needs the constructor to exist. Charts then render at zero size, and tests
// assert on the text that accompanies each chart.
if (!('ResizeObserver' in globalThis)) {
  class NoLayoutResizeObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  (globalThis as any).ResizeObserver = NoLayoutResizeObserver;
}
