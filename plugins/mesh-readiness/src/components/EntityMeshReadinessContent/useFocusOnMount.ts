import { useCallback, useRef } from 'react';

/**
 * A ref callback that scrolls its element into view and moves the keyboard
 * focus to it, once per `key`: the check a link pointed at is where the
 * reader lands, and a screen reader announces it. Later renders (a signal's
 * read, a dialog closing) leave the reader's scroll position and focus alone.
 */
export function useFocusOnMount<T extends HTMLElement>(key?: string) {
  const done = useRef<string>();
  return useCallback(
    (element: T | null) => {
      if (!element || !key || done.current === key) {
        return;
      }
      done.current = key;
      // jsdom and old browsers have no scrollIntoView options.
      element.scrollIntoView?.({ block: 'center' });
      element.focus({ preventScroll: true });
    },
    [key],
  );
}
