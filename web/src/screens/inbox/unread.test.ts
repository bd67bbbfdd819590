import { describe, expect, it } from 'vitest';
import { type KeyValue, OpenedStore } from './unread.js';

function memory(): KeyValue & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('the unread store', () => {
  it('an item is unread until its reader opens it, and stays opened for a new page of the same person', () => {
    const storage = memory();
    const store = new OpenedStore(storage, '127.0.0.1:7420', 'analyst');
    expect(store.isOpened('report--a')).toBe(false);
    store.markOpened('report--a');
    expect(store.isOpened('report--a')).toBe(true);
    expect(new OpenedStore(storage, '127.0.0.1:7420', 'analyst').set().has('report--a')).toBe(true);
  });

  it('is kept apart per node and per person', () => {
    const storage = memory();
    new OpenedStore(storage, '127.0.0.1:7420', 'analyst').markOpened('report--a');
    expect(new OpenedStore(storage, '127.0.0.1:7420', 'analyst-low').isOpened('report--a')).toBe(false);
    expect(new OpenedStore(storage, '127.0.0.1:7410', 'analyst').isOpened('report--a')).toBe(false);
  });

  it('survives a corrupted entry and forgets the oldest beyond its cap', () => {
    const storage = memory();
    storage.setItem('relto.opened.n.p', '{not json');
    const store = new OpenedStore(storage, 'n', 'p', 10);
    expect(store.set().size).toBe(0);
    for (let i = 0; i <= 10; i++) store.markOpened(`r${i}`);
    store.markOpened('r1'); // opened again: now the newest, so r2 is the next forgotten
    store.markOpened('r11');
    const reopened = new OpenedStore(storage, 'n', 'p', 10);
    expect(reopened.isOpened('r0')).toBe(false);
    expect(reopened.isOpened('r2')).toBe(false);
    expect(reopened.isOpened('r1')).toBe(true);
    expect(reopened.isOpened('r11')).toBe(true);
    expect(reopened.set().size).toBe(10);
  });
});
