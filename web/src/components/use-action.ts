import { useCallback, useState } from 'react';
import { errorText } from '../api/client.js';

/**
 * A person's action on a screen (approve, answer, change, report): busy while it runs, and the node's refusal
 * in words when it fails. One place, so every button disables and every failure reads the same way.
 */
export function useAction(): {
  busy: boolean;
  failure: string | null;
  run: (action: () => Promise<void>) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    try {
      await action();
    } catch (e) {
      setFailure(errorText(e));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, failure, run };
}
